package io.tally.jobs.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.inbox.EventBatches;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes credits' answers (held, rejected, captured, voided, expired, refused) in batches: one poll, one transaction. */
@ApplicationScoped
public class SagaConsumer {

    public static final String CHANNEL = "jobs-in";

    private final ObjectMapper json;
    private final SagaOutcomes outcomes;
    private final EventBatches batches;

    public SagaConsumer(ObjectMapper json, SagaOutcomes outcomes, EventBatches batches) {
        this.json = json;
        this.outcomes = outcomes;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return batches.consume(batch,
                event -> SagaOutcome.HANDLED.contains(event.type()) ? SagaOutcome.of(event, json) : null,
                outcomes::apply);
    }
}
