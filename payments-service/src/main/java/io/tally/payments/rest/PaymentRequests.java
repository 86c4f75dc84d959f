package io.tally.payments.rest;

import io.tally.payments.catalogue.CreditPackage;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the payments API. */
public final class PaymentRequests {

    /** Whole credits and prices stay far below overflow; a package above these is a typo, not a product. */
    static final long MAX_CREDITS = 1_000_000_000L;
    static final long MAX_PRICE_MINOR = 1_000_000_000_00L;

    private PaymentRequests() {
    }

    public record CheckoutRequest(
            @NotBlank @Size(max = 64) String packageCode,
            @Size(max = 32) String provider) {
    }

    public record PurchaseToken(@NotBlank @Size(max = 500) String purchaseToken) {
    }

    /** A package as an admin writes it; {@code code} is required on create and may be left out on update. */
    public record PackageBody(
            @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,63}", message = "must be 1-64 lower-case letters, digits, . _ or -")
            String code,
            @NotBlank @Size(max = 100) String name,
            @NotNull @Min(1) @Max(MAX_CREDITS) Long credits,
            @Min(0) @Max(MAX_CREDITS) Long bonusCredits,
            @NotNull @Min(0) @Max(MAX_PRICE_MINOR) Long priceMinor,
            @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as THB or USD") String currency,
            @Min(0) @Max(100) Integer discountPercent,
            Boolean active,
            @Min(-1_000_000) @Max(1_000_000) Integer sortOrder) {

        CreditPackage toPackage(String code) {
            return new CreditPackage(code, name, credits, bonusCredits == null ? 0 : bonusCredits, priceMinor,
                    currency, discountPercent == null ? 0 : discountPercent, active == null || active,
                    sortOrder == null ? 0 : sortOrder);
        }
    }
}
