package io.tally.common.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.ServiceConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** Backlog size and age of the oldest unpublished row: the two numbers that say the relay is keeping up. */
@ApplicationScoped
public class OutboxMetrics {

    private final Pool pool;
    private final OutboxRepository repository;
    private final AtomicLong backlogRows = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    public OutboxMetrics(Pool pool, OutboxRepository repository, MeterRegistry registry, ServiceConfig service) {
        this.pool = pool;
        this.repository = repository;
        Gauge.builder("tally.outbox.backlog", backlogRows, AtomicLong::get)
                .description("Outbox rows not yet published")
                .tag("service", service.name())
                .register(registry);
        Gauge.builder("tally.outbox.oldest.age.seconds", oldestAgeMillis, age -> age.get() / 1000.0)
                .description("Age of the oldest unpublished outbox row")
                .tag("service", service.name())
                .register(registry);
    }

    @Scheduled(every = "${tally.outbox.metrics-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return repository.backlog(pool).invoke(backlog -> {
            backlogRows.set(backlog.rows());
            oldestAgeMillis.set(Math.round(backlog.oldestAgeSeconds() * 1000));
        }).replaceWithVoid().onFailure().recoverWithNull();
    }
}
