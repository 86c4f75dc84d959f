package io.tally.console.pages;

import java.util.List;
import java.util.UUID;

/** The fields every action form has: the reason recorded with the operator's name, and the form's idempotency key. */
final class FormFields {

    private FormFields() {
    }

    /** The reason, stripped; a blank or too long one adds its error. */
    static String reason(String text, int max, List<String> errors) {
        String reason = text == null ? "" : text.strip();
        if (reason.isEmpty()) {
            errors.add("A reason is required; it is recorded with your name.");
        } else if (reason.length() > max) {
            errors.add("The reason must be at most " + max + " characters.");
        }
        return reason;
    }

    /**
     * The form's key. A form that lost it gets a new one and goes back to the operator: sent under a key nobody saw,
     * a retry could not be recognised as the same action.
     */
    static String key(String text, List<String> errors) {
        try {
            return UUID.fromString(text == null ? "" : text).toString();
        } catch (IllegalArgumentException e) {
            errors.add("The form had lost its key; check the values and send it again.");
            return UUID.randomUUID().toString();
        }
    }
}
