package io.tally.console.pages;

import java.util.ArrayList;
import java.util.List;

/**
 * A correction form's three fields, checked as credits-service checks them (a whole, non-zero amount within its
 * bounds, positive where the correction is not signed; a reason of 1–500 characters), so a mistake is shown on the
 * form and nothing is sent.
 */
record CorrectionForm(long amount, String reason, String key, List<String> errors) {

    static final int MAX_REASON = 500;
    static final long MAX_AMOUNT = 1_000_000_000L;

    static CorrectionForm read(Correction kind, String amountText, String reasonText, String keyText) {
        List<String> errors = new ArrayList<>();
        long amount = 0;
        try {
            amount = Long.parseLong(amountText == null ? "" : amountText.strip());
            if (amount == 0 && kind.signed) {
                errors.add("The amount must not be zero: positive credits the user, negative debits.");
            } else if (amount <= 0 && !kind.signed) {
                errors.add("The amount must be a positive number of credits.");
            } else if (Math.abs(amount) > MAX_AMOUNT) {
                errors.add("The amount must be between " + (kind.signed ? "-" + MAX_AMOUNT : "1") + " and " + MAX_AMOUNT
                        + ".");
            }
        } catch (NumberFormatException e) {
            errors.add(kind.signed ? "The amount must be a whole number of credits, such as 50 or -20."
                    : "The amount must be a whole number of credits, such as 50.");
        }
        String reason = FormFields.reason(reasonText, MAX_REASON, errors);
        String key = FormFields.key(keyText, errors);
        return new CorrectionForm(amount, reason, key, errors);
    }
}
