package io.tally.console.services;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the console reads of the services' JSON: only the fields its pages show (unknown fields are ignored, so a
 * service can add fields without breaking the console). Names follow the services' own records.
 */
public final class Views {

    private Views() {
    }

    // --- credits-service

    public record Account(String userId, long balance, long held, long available, long purchased, long promotional,
                          NextExpiry nextExpiry, long earnings, long frozenEarnings, long debt, Totals totals,
                          OffsetDateTime createdAt) {
    }

    public record NextExpiry(long credits, OffsetDateTime at) {
    }

    public record Totals(long purchased, long spent, long gifted, long received) {
    }

    public record LedgerLine(long entryId, UUID transactionId, String kind, String reference, String reason,
                             String book, long amount, Long balanceAfter, OffsetDateTime createdAt) {
    }

    public record LedgerPage(List<LedgerLine> entries, String nextCursor) {
    }

    public record HoldLine(UUID holdId, long amount, String reference, String status, long captured,
                           OffsetDateTime expiresAt, OffsetDateTime createdAt, OffsetDateTime settledAt) {
    }

    public record HoldPage(List<HoldLine> holds, String nextCursor) {
    }

    public record GiftLine(UUID giftId, String direction, String otherParty, String giftType, int quantity,
                           long cost, long amount, String boxId, OffsetDateTime at) {
    }

    public record GiftPage(List<GiftLine> gifts, String nextCursor) {
    }

    public record AdjustmentBody(String userId, long amount, String reason) {
    }

    /** A posted transaction as credits-service answers it (an adjustment: amount, balanceAfter, debtRepaid). */
    public record Transaction(UUID transactionId, String userId, long amount, String reason, long debtRepaid,
                              long balanceAfter) {
    }

    public record ForgivenessBody(long amount, String reason) {
    }

    /** Debt written off, as credits-service answers it. */
    public record Forgiveness(UUID transactionId, String userId, long forgiven, String reason, long debtAfter) {
    }

    public record AccountDrift(String userId, long balance, long ledgerBalance, long earnings, long ledgerEarnings,
                               long debt, long ledgerDebt, long held, long ledgerHeld) {
    }

    public record Reconciliation(boolean healthy, List<AccountDrift> accounts, List<Map<String, Object>> transactions,
                                 OffsetDateTime checkedAt) {
    }

    // --- jobs-service

    public record Job(UUID id, String type, String status, long cost, String chargeStatus, String rejectionReason,
                      int attempts, int maxAttempts, int progress, String error, Long capturedCredits,
                      OffsetDateTime createdAt, OffsetDateTime queuedAt, OffsetDateTime startedAt,
                      OffsetDateTime finishedAt) {

        /** What the job spent: the capture of its hold, or its price when charged before holds. */
        public long spent() {
            return capturedCredits != null ? capturedCredits : cost;
        }

        /** Whether an operator can refund it: completed, its charge captured (or charged) and not given back yet. */
        public boolean refundable() {
            return "COMPLETED".equals(status) && ("captured".equals(chargeStatus) || "charged".equals(chargeStatus));
        }
    }

    public record JobRefundBody(String reason) {
    }

    public record JobPage(List<Job> jobs, String nextCursor) {
    }

    public record OperatorFields(String providerName, String providerJobId, BigDecimal providerCost, String leaseOwner) {
    }

    public record HistoryRow(long id, String status, int progress, String detail, OffsetDateTime at) {
    }

    public record JobDetail(Job job, OperatorFields operator, List<HistoryRow> history) {
    }

    public record QueueReport(Map<String, Long> jobsByStatus, Double oldestQueuedSeconds, Double averageWaitSeconds,
                              Double averageRunSeconds, long completedLastHour,
                              List<FinishedInMinute> finishedPerMinute, List<WorkerLeases> workers,
                              List<Lease> soonestLeases) {
    }

    /** A worker holding leases now: its running jobs, its next lease to lapse, leases lapsed and not yet swept. */
    public record WorkerLeases(String worker, long running, OffsetDateTime nextExpiry, long lapsed) {
    }

    public record Lease(UUID jobId, String userId, String type, String worker, int attempts, int progress,
                        OffsetDateTime startedAt, OffsetDateTime expiresAt) {
    }

    /** Jobs that ended in one minute: completed, and otherwise (failed, cancelled). */
    public record FinishedInMinute(OffsetDateTime minute, long completed, long other) {
    }

    // --- payments-service

    public record Payment(UUID id, String packageCode, String provider, String status, long credits, long amountMinor,
                          String currency, String providerPaymentId, String statusReason, OffsetDateTime createdAt,
                          OffsetDateTime confirmedAt, OffsetDateTime creditedAt, OffsetDateTime reversedAt) {

        /** Providers whose API payments-service asks on a re-check (Apple's finds a transaction only by its id). */
        private static final Set<String> RECHECKED_WITH = Set.of("stripe", "promptpay", "truemoney", "google");

        /** Whether payments-service re-checks it with its provider: not confirmed yet, and not paid through Apple. */
        public boolean recheckable() {
            return ("pending".equals(status) || "failed".equals(status) || "expired".equals(status))
                    && RECHECKED_WITH.contains(provider);
        }
    }

    /** A re-check's answer: what the provider's state came to, and the payment's status after it. */
    public record Recheck(UUID paymentId, String provider, String outcome, String detail, String status) {
    }

    public record PaymentPage(List<Payment> payments, String nextCursor) {
    }

    public record Transition(long id, String fromStatus, String toStatus, boolean applied, int cycle, String source,
                             String detail, OffsetDateTime at) {
    }

    public record Delivery(long id, String provider, String eventId, String eventType, UUID paymentId,
                           boolean signatureValid, String outcome, String detail, String remoteAddress,
                           OffsetDateTime receivedAt) {
    }

    public record PaymentDetail(Payment payment, List<Transition> transitions, List<Delivery> deliveries) {
    }

    public record DeliveryPage(List<Delivery> deliveries, Long nextBefore) {
    }

    public record Stuck(UUID paymentId, String userId, String status, long credits, int cycle, OffsetDateTime since,
                        String problem) {
    }

    public record Unreconciled(long olderThanSeconds, List<Stuck> payments) {
    }

    // --- presence-service

    public record Box(UUID id, String streamerId, String title, boolean published, OffsetDateTime publishedAt,
                      int liveConnections, int uniqueViewers, OffsetDateTime createdAt) {
    }

    public record BoxPage(List<Box> boxes, String nextCursor) {
    }
}
