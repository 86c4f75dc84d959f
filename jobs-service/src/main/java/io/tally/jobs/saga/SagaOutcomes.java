package io.tally.jobs.saga;

import io.smallrye.mutiny.Uni;
import io.tally.common.inbox.InboxRepository;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobTransactions;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies a batch of credits' answers in one transaction: inbox rows (so a redelivered event changes nothing),
 * the jobs' transitions, their history and their events commit together. Answers about jobs this service does
 * not know (another backend's job ids on the shared topic) are ignored without an inbox row, and a batch with none
 * about its jobs opens no transaction at all.
 */
@ApplicationScoped
public class SagaOutcomes {

    static final String CONSUMER = "jobs-saga";

    private final JobTransactions transactions;
    private final JobRepository jobs;
    private final InboxRepository inbox;
    private final JobsConfig config;
    private final Pool pool;

    public SagaOutcomes(JobTransactions transactions, JobRepository jobs, InboxRepository inbox, JobsConfig config,
                        Pool pool) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.inbox = inbox;
        this.config = config;
        this.pool = pool;
    }

    /*
     * Under load most of tally.credits.events is other backends' charges, which may name a job of ours (a job id is
     * what a REST charge is keyed by) but almost never do. Their batches used to open a transaction each, lock
     * nothing and commit, and every commit wakes the outbox relay for a pass that finds nothing: under
     * credits-charge-spread that was 1,322 transactions and 1,405 relay passes in 22 s, over a quarter of the
     * statements the database ran. A read without a transaction tells which answers are about our jobs first; only
     * those open one, and they lock and recheck their jobs in it as before (jobs are never deleted).
     */
    public Uni<Void> apply(List<SagaOutcome> outcomes) {
        Set<UUID> ids = new LinkedHashSet<>();
        outcomes.forEach(o -> ids.add(o.jobId()));
        return jobs.known(pool, ids).flatMap(ours -> ours.isEmpty() ? Uni.createFrom().voidItem()
                : applyToOurs(outcomes, ours));
    }

    /** Locks the jobs {@code ids} name and applies the answers about them; the lock's rows decide which are ours. */
    private Uni<Void> applyToOurs(List<SagaOutcome> outcomes, Set<UUID> ids) {
        return transactions.write((unit, conn) -> jobs.lock(conn, ids).flatMap(locked -> {
            // An answer about a job we do not hold changes nothing here, so it needs no inbox row either: only
            // answers about our jobs are recorded, and under the jobs' row locks.
            List<SagaOutcome> ours = outcomes.stream().filter(o -> locked.containsKey(o.jobId())).toList();
            return inbox.recordFirstDeliveries(conn, CONSUMER, ours.stream().map(SagaOutcome::eventId).toList(),
                            ours.stream().map(SagaOutcome::eventType).toList())
                    .flatMap(fresh -> {
                        List<SagaOutcome> toApply = firstOccurrences(ours, fresh);
                        return queueTimes(unit, toApply, locked).flatMap(firstTimes -> {
                            applyInOrder(toApply, locked, firstTimes);
                            return unit.save(locked.values());
                        });
                    });
        }));
    }

    /** The fair queue times the jobs charged in this batch will get (one clock advance per owner). */
    private Uni<Map<String, OffsetDateTime>> queueTimes(JobTransactions.Unit unit, List<SagaOutcome> outcomes,
                                                        Map<UUID, Job> locked) {
        Map<String, Integer> perUser = new HashMap<>();
        Set<UUID> counted = new java.util.HashSet<>();
        for (SagaOutcome outcome : outcomes) {
            Job job = locked.get(outcome.jobId());
            boolean paidFor = outcome.kind() == SagaOutcome.Kind.HELD || outcome.kind() == SagaOutcome.Kind.CHARGED;
            if (paidFor && job != null && job.awaitsCharge()
                    && counted.add(job.getId())) {
                perUser.merge(job.getUserId(), 1, Integer::sum);
            }
        }
        return jobs.advanceQueueClocks(unit.conn(), perUser, config.queue().fairSpacing());
    }

    private void applyInOrder(List<SagaOutcome> outcomes, Map<UUID, Job> locked,
                              Map<String, OffsetDateTime> firstTimes) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Duration spacing = config.queue().fairSpacing();
        Map<String, OffsetDateTime> nextTime = new HashMap<>(firstTimes);
        for (SagaOutcome outcome : outcomes) {
            Job job = locked.get(outcome.jobId());
            if (job == null) {
                continue;
            }
            switch (outcome.kind()) {
                case HELD, CHARGED -> {
                    OffsetDateTime virtual = nextTime.getOrDefault(job.getUserId(), now);
                    boolean willQueue = job.awaitsCharge();
                    if (outcome.kind() == SagaOutcome.Kind.HELD) {
                        job.held(virtual, now, outcome.available());
                    } else {
                        job.charged(virtual, now);
                    }
                    if (willQueue) {
                        nextTime.put(job.getUserId(), virtual.plus(spacing));
                    }
                }
                case REJECTED -> job.rejected(outcome.amount(), outcome.available(), outcome.reason());
                case CAPTURED -> job.captured(outcome.amount());
                case VOIDED -> job.released(outcome.amount(), false, now);
                case EXPIRED -> job.released(outcome.amount(), true, now);
                case SETTLEMENT_REFUSED -> job.settlementRefused(outcome.settlement(), outcome.reason());
                case REFUNDED -> job.refunded(outcome.amount());
                case REFUND_REFUSED -> job.refundRefused(outcome.reason());
            }
        }
    }

    private static List<SagaOutcome> firstOccurrences(List<SagaOutcome> outcomes, Set<String> fresh) {
        Set<String> seen = new java.util.HashSet<>();
        List<SagaOutcome> result = new ArrayList<>();
        for (SagaOutcome outcome : outcomes) {
            if (fresh.contains(outcome.eventId()) && seen.add(outcome.eventId())) {
                result.add(outcome);
            }
        }
        return result;
    }
}
