package io.tally.payments.catalogue;

/**
 * A credit package as sold: {@code credits + bonusCredits} for {@code priceMinor} (minor units of
 * {@code currency}); {@code discountPercent} is for display, the price already includes it.
 */
public record CreditPackage(String code, String name, long credits, long bonusCredits, long priceMinor, String currency,
                            int discountPercent, boolean active, int sortOrder) {

    public long totalCredits() {
        return credits + bonusCredits;
    }

    public boolean isFree() {
        return priceMinor == 0;
    }
}
