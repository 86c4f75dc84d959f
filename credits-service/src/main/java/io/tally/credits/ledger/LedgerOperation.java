package io.tally.credits.ledger;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;

/**
 * A request to move credits. Every operation is idempotent by its business key: the same key with the same
 * parameters replays the first result; the same key with other parameters is a conflict.
 */
public sealed interface LedgerOperation {

    /** No single movement may exceed a billion credits, so no sum of them can overflow a bigint. */
    long MAX_AMOUNT = 1_000_000_000L;

    /** The business idempotency key, unique across the ledger. */
    String key();

    /** The accounts the operation touches (they are opened if new and locked for the batch). */
    Set<String> userIds();

    /** Identifies the parameters: a replay must match it. */
    String fingerprint();

    /** The key of the transaction this operation undoes (a refund its charge, a clawback its grant); else null. */
    default String undoneKey() {
        return null;
    }

    /** A hold's key ({@code hold:{id}}), as placed: the job id is a job's hold id. */
    static String holdKey(UUID holdId) {
        return "hold:" + holdId;
    }

    /** How a hold was settled, once: captured, voided or expired. */
    static String settlementKey(UUID holdId) {
        return holdKey(holdId) + ":settle";
    }

    /** The keys of earlier transactions the operation reads (loaded with the batch): the one it undoes, by default. */
    default List<String> priorKeys() {
        return undoneKey() == null ? List.of() : List.of(undoneKey());
    }

    /** {@code metadata}: the caller's labels (null when none; see {@code CallerMetadata}), part of the request. */
    record Charge(UUID jobId, String userId, long amount, SortedMap<String, String> metadata)
            implements LedgerOperation {
        public Charge(UUID jobId, String userId, long amount) {
            this(jobId, userId, amount, null);
        }

        public String key() {
            return "job:" + jobId + ":charge";
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + amount + metadataPart(metadata);
        }
    }

    /** Metadata joins a fingerprint only when present, so requests stored before it existed still replay. */
    private static String metadataPart(SortedMap<String, String> metadata) {
        return metadata == null ? "" : "|" + metadata;
    }

    /**
     * Gives back a job's spend: its charge ({@code job:{id}:charge}) or, for a job that held its price, the hold's
     * capture ({@code hold:{id}:settle}; the job id is the hold id). {@code amount} null refunds all of it;
     * {@code adminId} is the operator who asked, null for a backend or the saga.
     */
    record Refund(UUID jobId, String userId, Long amount, String reason, String adminId) implements LedgerOperation {
        public Refund(UUID jobId, String userId, Long amount, String reason) {
            this(jobId, userId, amount, reason, null);
        }

        public String key() {
            return "job:" + jobId + ":refund";
        }

        @Override
        public String undoneKey() {
            return "job:" + jobId + ":charge";
        }

        /** The hold a job that held its price placed, and how it was settled. */
        @Override
        public List<String> priorKeys() {
            return List.of(undoneKey(), holdKey(jobId), settlementKey(jobId));
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + (amount == null ? "all" : amount);
        }
    }

    /** {@code cycle} counts the payment's confirmations: a payment confirmed again after a reversal is granted again. */
    record Grant(UUID paymentId, String userId, long credits, int cycle) implements LedgerOperation {
        public String key() {
            return "payment:" + paymentId + ":grant" + cycleSuffix(cycle);
        }

        public String debtRepaymentKey() {
            return "payment:" + paymentId + ":debt-repayment" + cycleSuffix(cycle);
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + credits;
        }
    }

    record Clawback(UUID paymentId, String userId, long credits, String reason, int cycle) implements LedgerOperation {
        public String key() {
            return "payment:" + paymentId + ":clawback" + cycleSuffix(cycle);
        }

        @Override
        public String undoneKey() {
            return "payment:" + paymentId + ":grant" + cycleSuffix(cycle);
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + credits;
        }
    }

    /** The first cycle keeps the plain key ({@code payment:{id}:grant}); later ones append their number. */
    private static String cycleSuffix(int cycle) {
        return cycle <= 1 ? "" : ":" + cycle;
    }

    /** {@code clientKey} is the sender's Idempotency-Key; the gift id derives from it. */
    record Gift(String senderId, String recipientId, GiftType type, int quantity, String boxId, String clientKey)
            implements LedgerOperation {
        public String key() {
            return "gift:" + senderId + ":" + clientKey;
        }

        public UUID giftId() {
            return UUID.nameUUIDFromBytes(key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public Set<String> userIds() {
            // Set.copyOf, not Set.of: a (refused) self-gift names the same user twice.
            return Set.copyOf(java.util.List.of(senderId, recipientId));
        }

        public String fingerprint() {
            return recipientId + "|" + type.code() + "|" + quantity + "|" + boxId;
        }
    }

    record Adjustment(String userId, long amount, String reason, String adminId, String clientKey)
            implements LedgerOperation {
        public String key() {
            return "adjustment:" + adminId + ":" + clientKey;
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + amount + "|" + reason;
        }
    }

    /** An admin writes off debt (recorded with the reason); the platform absorbs it. */
    record DebtForgiveness(String userId, long amount, String reason, String adminId, String clientKey)
            implements LedgerOperation {
        public String key() {
            return "debt-forgiveness:" + adminId + ":" + clientKey;
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + amount + "|" + reason;
        }
    }

    /**
     * Reserves {@code amount} of the user's available credits until the hold is captured, voided or expires at
     * {@code expiresAt}. The expiry is not part of the fingerprint: a caller retrying with "in an hour" computes
     * another instant, and the first one stands.
     */
    record Hold(UUID holdId, String userId, long amount, String reference, OffsetDateTime expiresAt,
                SortedMap<String, String> metadata) implements LedgerOperation {
        public Hold(UUID holdId, String userId, long amount, String reference, OffsetDateTime expiresAt) {
            this(holdId, userId, amount, reference, expiresAt, null);
        }

        public String key() {
            return holdKey(holdId);
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + amount + "|" + reference + metadataPart(metadata);
        }
    }

    /**
     * A job's hold (its id is the job's): a {@link Hold} whose refusal is answered on the saga's terms, like a charge's,
     * with {@code ChargeRejected}, and remembered, so a job rejected once stays rejected when it is asked again.
     */
    record JobHold(UUID jobId, String userId, long amount, OffsetDateTime expiresAt, SortedMap<String, String> metadata)
            implements LedgerOperation {
        public JobHold(UUID jobId, String userId, long amount, OffsetDateTime expiresAt) {
            this(jobId, userId, amount, expiresAt, null);
        }

        public Hold asHold() {
            return new Hold(jobId, userId, amount, "job:" + jobId, expiresAt, metadata);
        }

        public String key() {
            return asHold().key();
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return asHold().fingerprint();
        }
    }

    /**
     * How a hold ends. The three share one key, so a hold is settled once: a capture after a void (or the expiry) is
     * refused, never applied as well.
     */
    sealed interface HoldSettlement extends LedgerOperation {

        UUID holdId();

        String userId();

        default String key() {
            return settlementKey(holdId());
        }

        @Override
        default String undoneKey() {
            return holdKey(holdId());
        }

        default Set<String> userIds() {
            return Set.of(userId());
        }
    }

    /** Spends {@code amount} of the hold (null: all of it) and releases the rest. */
    record CaptureHold(UUID holdId, String userId, Long amount) implements HoldSettlement {
        public String fingerprint() {
            return "capture|" + userId + "|" + (amount == null ? "all" : amount);
        }
    }

    /** Releases the whole hold: the work it reserved for failed or was cancelled. */
    record VoidHold(UUID holdId, String userId, String reason) implements HoldSettlement {
        public String fingerprint() {
            return "void|" + userId;
        }
    }

    /** Releases a hold past its expiry (the ledger's expiry pass). */
    record ExpireHold(UUID holdId, String userId) implements HoldSettlement {
        public String fingerprint() {
            return "expire|" + userId;
        }
    }

    /**
     * Grants promotional credits of a campaign, spent before any other credit and taken back at {@code expiresAt}. A
     * user receives a campaign once (promotion:{campaign}:{user}); the expiry is not part of the fingerprint, as for a
     * hold, so a retry computing "in 30 days" again replays the first grant.
     */
    record Promotion(String userId, String campaign, long amount, OffsetDateTime expiresAt)
            implements LedgerOperation {
        public String key() {
            return keyOf(campaign, userId);
        }

        static String keyOf(String campaign, String userId) {
            return "promotion:" + campaign + ":" + userId;
        }

        /** The lot's id, derived from the key, so a replay names the same lot. */
        public UUID promotionId() {
            return UUID.nameUUIDFromBytes(key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId + "|" + amount + "|" + campaign;
        }
    }

    /** Takes back what is left of a promotion past its expiry (the ledger's expiry pass); once per promotion. */
    record ExpirePromotion(UUID promotionId, String userId) implements LedgerOperation {
        public String key() {
            return "promotion:" + promotionId + ":expiry";
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return "expire|" + userId;
        }
    }

    /** Opens the account (with its signup bonus) if it does not exist yet; moves nothing else. */
    record OpenAccount(String userId) implements LedgerOperation {
        public String key() {
            return "account:" + userId + ":open";
        }

        public Set<String> userIds() {
            return Set.of(userId);
        }

        public String fingerprint() {
            return userId;
        }
    }
}
