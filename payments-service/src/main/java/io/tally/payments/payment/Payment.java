package io.tally.payments.payment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A payment: credits, amount and currency were fixed at checkout; {@code cycle} counts its confirmations (a won
 * dispute confirms it again) and {@code creditedCycle} how many of them credits-service has granted. Its events
 * are published in the checkout's trace ({@code traceParent}, null when that was not traced; see EventTracing).
 */
public record Payment(UUID id, UUID reference, @JsonIgnore String userId, String packageCode, String provider,
                      PaymentStatus status, long credits, long amountMinor, String currency,
                      String providerPaymentId, int cycle, int creditedCycle, String statusReason,
                      OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime expiresAt,
                      OffsetDateTime confirmedAt, OffsetDateTime reversedAt, OffsetDateTime creditedAt,
                      @JsonIgnore String traceParent) {

    /** credits-service granted its current confirmation. */
    @JsonProperty("credited")
    public boolean credited() {
        return cycle > 0 && creditedCycle >= cycle;
    }

    Payment moved(PaymentStatus target, String reason, OffsetDateTime now) {
        int nextCycle = target == PaymentStatus.CONFIRMED ? cycle + 1 : cycle;
        OffsetDateTime confirmed = target == PaymentStatus.CONFIRMED ? now : confirmedAt;
        OffsetDateTime reversed = target == PaymentStatus.REFUNDED || target == PaymentStatus.CHARGED_BACK
                ? now : reversedAt;
        return new Payment(id, reference, userId, packageCode, provider, target, credits, amountMinor, currency,
                providerPaymentId, nextCycle, creditedCycle, reason, createdAt, now, expiresAt, confirmed, reversed,
                creditedAt, traceParent);
    }

    Payment withProviderPaymentId(String value) {
        return new Payment(id, reference, userId, packageCode, provider, status, credits, amountMinor, currency, value,
                cycle, creditedCycle, statusReason, createdAt, updatedAt, expiresAt, confirmedAt, reversedAt,
                creditedAt, traceParent);
    }
}
