package io.tally.console.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An adjustment form's three fields, checked as credits-service checks them (a whole, non-zero amount within its
 * bounds, a reason of 1–500 characters), so a mistake is shown on the form and nothing is sent.
 */
record AdjustmentForm(long amount, String reason, String key, List<String> errors) {

    static final int MAX_REASON = 500;
    static final long MAX_AMOUNT = 1_000_000_000L;

    static AdjustmentForm read(String amountText, String reasonText, String keyText) {
        List<String> errors = new ArrayList<>();
        long amount = 0;
        try {
            amount = Long.parseLong(amountText == null ? "" : amountText.strip());
            if (amount == 0) {
                errors.add("The amount must not be zero: positive credits the user, negative debits.");
            } else if (Math.abs(amount) > MAX_AMOUNT) {
                errors.add("The amount must be between -" + MAX_AMOUNT + " and " + MAX_AMOUNT + ".");
            }
        } catch (NumberFormatException e) {
            errors.add("The amount must be a whole number of credits, such as 50 or -20.");
        }
        String reason = reasonText == null ? "" : reasonText.strip();
        if (reason.isEmpty()) {
            errors.add("A reason is required; it is recorded in the ledger with your name.");
        } else if (reason.length() > MAX_REASON) {
            errors.add("The reason must be at most " + MAX_REASON + " characters.");
        }
        String key;
        try {
            key = UUID.fromString(keyText == null ? "" : keyText).toString();
        } catch (IllegalArgumentException e) {
            // A form that lost its key gets a new one, and goes back to the operator: sent under a key nobody saw,
            // a retry could not be recognised as the same adjustment.
            key = UUID.randomUUID().toString();
            errors.add("The form had lost its key; check the values and send it again.");
        }
        return new AdjustmentForm(amount, reason, key, errors);
    }
}
