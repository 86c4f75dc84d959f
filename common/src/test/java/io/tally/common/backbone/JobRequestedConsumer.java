package io.tally.common.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.common.events.EventTypes;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.inbox.InboxProcessor;
import io.tally.common.inbox.PoisonEventException;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The test application's idempotent consumer: every application of an event leaves one applied_effects row. */
@ApplicationScoped
public class JobRequestedConsumer {

    private final InboxProcessor inbox;
    private final ObjectMapper json;

    public JobRequestedConsumer(InboxProcessor inbox, ObjectMapper json) {
        this.inbox = inbox;
        this.json = json;
    }

    @Incoming("backbone-in")
    public Uni<Void> consume(Message<String> message) {
        return inbox.process(message, "backbone", Set.of(EventTypes.JOB_REQUESTED.name()), this::apply);
    }

    private Uni<Void> apply(SqlConnection conn, InboundEvent event) {
        JobRequested requested = event.dataAs(JobRequested.class, json);
        if (requested.cost() < 0) {
            throw new PoisonEventException("negative cost in event " + event.id());
        }
        return conn.preparedQuery("INSERT INTO applied_effects (event_id, job_id, user_id, cost) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(event.id(), requested.jobId(), requested.userId(), requested.cost()))
                .replaceWithVoid();
    }
}
