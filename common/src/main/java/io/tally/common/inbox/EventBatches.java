package io.tally.common.inbox;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.db.TransientFailures;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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

    public EventBatches(DeadLetterPublisher deadLetters) {
        this.deadLetters = deadLetters;
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
                .chain(() -> parsed.items().isEmpty() ? Uni.createFrom().voidItem()
                        : applyAll(parsed.items(), parsed.sources(), apply))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    /**
     * A batch read: the events this consumer handles with the records they came from (same order), and the
     * dead-lettering of the poison ones, to be awaited before the batch is acknowledged.
     */
    public record Parsed<T>(List<T> items, List<KafkaRecord<String, String>> sources, Uni<Void> deadLettered) {
    }

    /** Reads a batch; see {@link #consume} for {@code parse}. */
    public <T> Parsed<T> parse(KafkaRecordBatch<String, String> batch, Function<InboundEvent, T> parse) {
        List<T> items = new ArrayList<>();
        List<KafkaRecord<String, String>> sources = new ArrayList<>();
        List<Uni<Void>> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            try {
                T item = parse.apply(InboundEvent.from(record.getHeaders(), record.getPayload()));
                if (item != null) {
                    items.add(item);
                    sources.add(record);
                }
            } catch (PoisonEventException e) {
                poison.add(deadLetters.publish(record, e.getMessage()));
            }
        }
        Uni<Void> deadLettered = poison.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(poison).andFailFast().replaceWithVoid();
        return new Parsed<>(items, sources, deadLettered);
    }

    private <T> Uni<Void> applyAll(List<T> parsed, List<KafkaRecord<String, String>> sources,
                                   Function<List<T>, Uni<Void>> apply) {
        return retryWhileTransient(() -> apply.apply(parsed))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Batch of %d events failed (%s); applying them one by one", parsed.size(),
                            failure.toString());
                    return Multi.createFrom().range(0, parsed.size())
                            .onItem().transformToUniAndConcatenate(i -> retryWhileTransient(
                                    () -> apply.apply(List.of(parsed.get(i))))
                                    .onFailure().recoverWithUni(e -> deadLetters.publish(sources.get(i),
                                            "event failed: " + e)))
                            .collect().last().replaceWithVoid();
                });
    }

    private static Uni<Void> retryWhileTransient(java.util.function.Supplier<Uni<Void>> work) {
        return Uni.createFrom().<Void>deferred(work::get)
                .onFailure(TransientFailures::is).invoke(e -> LOG.warnf("Batch not applied, retrying: %s", e.toString()))
                .onFailure(TransientFailures::is).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }
}
