package io.tally.credits.rest;

import io.tally.common.security.CurrentUser;
import io.tally.credits.ledger.LedgerOperation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/** Request bodies of the credits API. Every amount is bounded so no sum can overflow a bigint. */
public final class Requests {

    /** No single movement may exceed a billion credits (the ledger's bound, which events are held to too). */
    public static final long MAX_AMOUNT = LedgerOperation.MAX_AMOUNT;

    /**
     * Gifts and adjustments make the caller's Idempotency-Key part of their ledger key
     * (gift:{sender}:{key}), so key and effect are one row; this leaves room for the prefix.
     */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    private Requests() {
    }

    public record ChargeRequest(
            @NotNull UUID jobId,
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @NotNull @Positive @Max(MAX_AMOUNT) Long amount,
            Map<String, String> metadata) {
    }

    /** Without {@code amount}, refunds the whole charge. */
    public record RefundRequest(
            @NotNull UUID jobId,
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @Positive @Max(MAX_AMOUNT) Long amount,
            @Size(max = 200) String reason) {
    }

    /** The longest a hold may last: a job's deadline, with room. */
    public static final int MAX_HOLD_SECONDS = 7 * 24 * 3600;

    /** The hold id is the idempotency key (hold:{id}), as the job id is a charge's. */
    public record HoldRequest(
            @NotNull UUID holdId,
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @NotNull @Positive @Max(MAX_AMOUNT) Long amount,
            @Size(max = 200) String reference,
            @Min(1) @Max(MAX_HOLD_SECONDS) Integer expiresInSeconds,
            Map<String, String> metadata) {

        public int expiresInSecondsOrDefault() {
            return expiresInSeconds == null ? 3600 : expiresInSeconds;
        }
    }

    /** Without {@code amount}, captures the whole hold. */
    public record CaptureRequest(
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @Min(0) @Max(MAX_AMOUNT) Long amount) {
    }

    public record VoidRequest(
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @Size(max = 200) String reason) {
    }

    public record GiftRequest(
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String recipientId,
            @NotBlank @Pattern(regexp = "[a-z0-9_-]{1,40}", message = "must be a gift type code") String giftType,
            @Min(1) @Max(100) Integer quantity,
            @Size(max = 128) String boxId) {

        public int quantityOrOne() {
            return quantity == null ? 1 : quantity;
        }
    }

    /** The longest a promotion may last. */
    public static final int MAX_PROMOTION_DAYS = 3650;

    /** Exactly one of {@code expiresAt} and {@code expiresInDays}. */
    public record PromotionRequest(
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @NotBlank @Pattern(regexp = "[a-z0-9_-]{1,64}", message = "must be 1-64 of a-z, 0-9, _ and -")
            String campaign,
            @NotNull @Positive @Max(MAX_AMOUNT) Long amount,
            java.time.OffsetDateTime expiresAt,
            @Min(1) @Max(MAX_PROMOTION_DAYS) Integer expiresInDays) {
    }

    public record AdjustmentRequest(
            @NotBlank @Size(max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @NotNull @Min(-MAX_AMOUNT) @Max(MAX_AMOUNT) Long amount,
            @NotBlank @Size(max = 500) String reason) {
    }

    /** Debt an admin writes off, with why. */
    public record DebtForgivenessRequest(
            @NotNull @Positive @Max(MAX_AMOUNT) Long amount,
            @NotBlank @Size(max = 500) String reason) {
    }

    /** Why an account's cached books are set back to its entries (kept with the repair). */
    public record RepairRequest(@NotBlank @Size(max = 500) String reason) {
    }
}
