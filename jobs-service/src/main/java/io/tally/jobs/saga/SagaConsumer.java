package io.tally.jobs.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.inbox.DeadLetterPublisher;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.db.TransientFailures;
import io.tally.common.inbox.PoisonEventException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes credits' answers (charged, rejected, refunded) in batches: one poll, one transaction. Poison records
 * are dead-lettered and the rest go on. Infrastructure trouble retries the batch until it passes; any other
 * failure splits the batch and dead-letters only the events that fail on their own. The batch is acknowledged
 * after its commit.
 */
@ApplicationScoped
public class SagaConsumer {

    public static final String CHANNEL = "jobs-in";
    private static final Logger LOG = Logger.getLogger(SagaConsumer.class);

    private final ObjectMapper json;
    private final SagaOutcomes outcomes;
    private final DeadLetterPublisher deadLetters;

    public SagaConsumer(ObjectMapper json, SagaOutcomes outcomes, DeadLetterPublisher deadLetters) {
        this.json = json;
        this.outcomes = outcomes;
        this.deadLetters = deadLetters;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<SagaOutcome> parsed = new ArrayList<>();
        List<KafkaRecord<String, String>> sources = new ArrayList<>();
        List<Uni<Void>> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            try {
                InboundEvent event = InboundEvent.from(record.getHeaders(), record.getPayload());
                if (SagaOutcome.HANDLED.contains(event.type())) {
                    parsed.add(SagaOutcome.of(event, json));
                    sources.add(record);
                }
            } catch (PoisonEventException e) {
                poison.add(deadLetters.publish(record, e.getMessage()));
            }
        }
        Uni<Void> deadLettered = poison.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(poison).andFailFast().replaceWithVoid();
        return deadLettered
                .chain(() -> parsed.isEmpty() ? Uni.createFrom().voidItem() : applyAll(parsed, sources))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> applyAll(List<SagaOutcome> parsed, List<KafkaRecord<String, String>> sources) {
        return retryWhileTransient(outcomes.apply(parsed))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Saga batch of %d failed (%s); applying its events one by one", parsed.size(),
                            failure.toString());
                    return Multi.createFrom().range(0, parsed.size())
                            .onItem().transformToUniAndConcatenate(i -> retryWhileTransient(
                                    outcomes.apply(List.of(parsed.get(i))))
                                    .onFailure().recoverWithUni(e -> deadLetters.publish(sources.get(i),
                                            "saga outcome failed: " + e)))
                            .collect().last().replaceWithVoid();
                });
    }

    private static Uni<Void> retryWhileTransient(Uni<Void> work) {
        return work.onFailure(TransientFailures::is).invoke(e ->
                        LOG.warnf("Saga outcomes not applied, retrying: %s", e.toString()))
                .onFailure(TransientFailures::is).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }
}
