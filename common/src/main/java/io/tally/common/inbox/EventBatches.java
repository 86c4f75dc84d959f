package io.tally.common.inbox;

import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.db.GroupCommit;
import io.tally.common.db.TransientFailures;
import io.tally.common.tracing.EventTracing;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * The shape every batch consumer shares: one poll, one transaction. Poison records are dead-lettered and the
 * rest go on. Infrastructure trouble retries the batch until it passes; any other failure splits the batch and
 * dead-letters only the events that fail on their own. The batch is acknowledged after its commit.
 */
@ApplicationScoped
public class EventBatches {

    private static final Logger LOG = Logger.getLogger(EventBatches.class);

    private final DeadLetterPublisher deadLetters;
    private final EventTracing tracing;

    public EventBatches(DeadLetterPublisher deadLetters, EventTracing tracing) {
        this.deadLetters = deadLetters;
        this.tracing = tracing;
    }

    /**
     * @param parse turns a record's event into what {@code apply} takes, {@code null} for types this consumer
     *              ignores; throws {@link PoisonEventException} for data outside the contract
     * @param apply applies parsed events in one transaction (and records them in the inbox there)
     */
    public <T> Uni<Void> consume(KafkaRecordBatch<String, String> batch, Function<InboundEvent, T> parse,
                                 Function<List<T>, Uni<Void>> apply) {
        Parsed<T> parsed = parse(batch, parse);
        return parsed.deadLettered()
                .chain(() -> parsed.items().isEmpty() ? Uni.createFrom().voidItem() : applyAll(parsed, apply))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                .onTermination().invoke(parsed::endSpans);
    }

    /**
     * A batch read: the events this consumer handles with the records they came from and the spans they are
     * processed in (same order), and the dead-lettering of the poison ones, to be awaited before the batch is
     * acknowledged. Call {@link #endSpans} when the batch is through.
     */
    public record Parsed<T>(List<T> items, List<KafkaRecord<String, String>> sources, List<Span> spans,
                            Uni<Void> deadLettered) {

        /** The traceparent that work caused by item {@code i} continues in: its processing span, when traced. */
        public String traceParent(int i) {
            return EventTracing.traceParentOf(spans.get(i));
        }

        /** Item {@code i} could not be applied (it is dead-lettered): its span ends as failed. */
        public void failed(int i, String why) {
            EventTracing.fail(spans.get(i), why);
            spans.set(i, Span.getInvalid());
        }

        /** Ends the spans of the items that did not fail. */
        public void endSpans() {
            for (int i = 0; i < spans.size(); i++) {
                spans.get(i).end();
                spans.set(i, Span.getInvalid());
            }
        }
    }

    /** Reads a batch; see {@link #consume} for {@code parse}. */
    public <T> Parsed<T> parse(KafkaRecordBatch<String, String> batch, Function<InboundEvent, T> parse) {
        List<T> items = new ArrayList<>();
        List<KafkaRecord<String, String>> sources = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        List<Uni<Void>> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            InboundEvent event = null;
            try {
                event = InboundEvent.from(record.getTopic(), record.getHeaders(), record.getPayload());
                T item = parse.apply(event);
                if (item != null) {
                    items.add(item);
                    sources.add(record);
                    spans.add(startProcess(event, record));
                }
            } catch (PoisonEventException e) {
                if (event != null) {
                    EventTracing.fail(startProcess(event, record), e.getMessage());
                }
                poison.add(deadLetters.publish(record, e));
            }
        }
        Uni<Void> deadLettered = poison.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(poison).andFailFast().replaceWithVoid();
        return new Parsed<>(items, sources, spans, deadLettered);
    }

    private Span startProcess(InboundEvent event, KafkaRecord<String, String> record) {
        return tracing.startProcess(event.traceParent(), event.type(), event.id(), event.subject(), record.getTopic());
    }

    /**
     * Applies the batch with common's {@link GroupCommit#splittingOnFailure} (split on failure, each event alone), and
     * dead-letters the events that fail on their own. Transient trouble retries from the top for as long as it lasts.
     */
    private <T> Uni<Void> applyAll(Parsed<T> parsed, Function<List<T>, Uni<Void>> apply) {
        List<T> items = parsed.items();
        Function<List<Integer>, Uni<List<Optional<String>>>> splitting = GroupCommit.splittingOnFailure(
                positions -> apply.apply(positions.stream().map(items::get).toList())
                        .replaceWith(() -> Collections.nCopies(positions.size(), Optional.<String>empty())),
                (position, failure) -> Optional.of("event failed: " + failure));
        List<Integer> all = IntStream.range(0, items.size()).boxed().toList();
        return retrying(() -> splitting.apply(all), TransientFailures::is)
                .flatMap(failures -> deadLetter(parsed, i -> failures.get(i).orElse(null)));
    }

    /**
     * Dead-letters, one after the other, the items of a batch {@code reasonOf} names a reason for (null: the item
     * stays applied), ending their spans as failed.
     */
    public <T> Uni<Void> deadLetter(Parsed<T> parsed, IntFunction<String> reasonOf) {
        return Multi.createFrom().range(0, parsed.items().size())
                .onItem().transformToUniAndConcatenate(i -> {
                    String why = reasonOf.apply(i);
                    if (why == null) {
                        return Uni.createFrom().voidItem();
                    }
                    parsed.failed(i, why);
                    return deadLetters.publish(parsed.sources().get(i), why);
                })
                .collect().last().replaceWithVoid();
    }

    /**
     * Applies a batch again, with backoff up to 10 s, for as long as it fails in a way {@code retryable} accepts;
     * the batch is not acknowledged meanwhile, so nothing after it is consumed out of order.
     */
    public static <R> Uni<R> retrying(Supplier<Uni<R>> work, Predicate<Throwable> retryable) {
        return Uni.createFrom().<R>deferred(work::get)
                .onFailure(retryable).invoke(e -> LOG.warnf("Batch not applied, retrying: %s", e.toString()))
                .onFailure(retryable).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }
}
