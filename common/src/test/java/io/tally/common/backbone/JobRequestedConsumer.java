package io.tally.common.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.outbox.Transactions;
import io.tally.common.events.EventTypes;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.inbox.EventBatches;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.inbox.InboxRepository;
import io.tally.common.inbox.PoisonEventException;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The test application's idempotent consumer, built the way the services' are (EventBatches: one poll, one
 * transaction with its inbox rows): every application of an event leaves one applied_effects row.
 */
@ApplicationScoped
public class JobRequestedConsumer {

    private static final String CONSUMER = "backbone";

    private record Requested(String eventId, String eventType, JobRequested data) {
    }

    private final EventBatches batches;
    private final Transactions transactions;
    private final InboxRepository inbox;
    private final ObjectMapper json;

    public JobRequestedConsumer(EventBatches batches, Transactions transactions, InboxRepository inbox,
                                ObjectMapper json) {
        this.batches = batches;
        this.transactions = transactions;
        this.inbox = inbox;
        this.json = json;
    }

    @Incoming("backbone-in")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return batches.consume(batch, this::parse, this::apply);
    }

    private Requested parse(InboundEvent event) {
        if (!event.type().equals(EventTypes.JOB_REQUESTED.name())) {
            return null;
        }
        JobRequested requested = event.dataAs(JobRequested.class, json);
        if (requested.cost() < 0) {
            throw new PoisonEventException("negative cost in event " + event.id());
        }
        return new Requested(event.id(), event.type(), requested);
    }

    private Uni<Void> apply(List<Requested> events) {
        return transactions.write(conn -> inbox.recordFirstDeliveries(conn, CONSUMER,
                        events.stream().map(Requested::eventId).toList(), events.stream().map(Requested::eventType).toList())
                .flatMap(fresh -> {
                    // fresh holds each newly recorded id once; the same event twice in one poll applies once.
                    Set<String> firstTime = new HashSet<>(fresh);
                    List<Tuple> effects = events.stream().filter(e -> firstTime.remove(e.eventId()))
                            .map(e -> Tuple.of(e.eventId(), e.data().jobId(), e.data().userId(), e.data().cost()))
                            .toList();
                    return effects.isEmpty() ? Uni.createFrom().voidItem()
                            : conn.preparedQuery("INSERT INTO applied_effects (event_id, job_id, user_id, cost) "
                                    + "VALUES ($1, $2, $3, $4)").executeBatch(effects).replaceWithVoid();
                }));
    }
}
