package io.tally.console.pages;

import java.util.Arrays;

/**
 * What an operator can correct on an account through the console, each sent once under its form's key and recorded
 * with the operator: an adjustment (either way) or a write-off of debt the user does not owe. Carries the words its
 * form and review use, so one form, review and confirmation serve both.
 */
public enum Correction {

    ADJUSTMENT("adjustment", "adjustment", "Adjust", "Adjust the balance of",
            "Credits (positive credits the user, negative debits)",
            "A debit may not take the available balance below zero.", true),
    DEBT_FORGIVENESS("debt-forgiveness", "debt forgiveness", "Forgive debt of", "Forgive debt owed by",
            "Credits of debt to forgive", "At most what the account owes now.", false);

    /** The path segment under {@code /users/{id}/}, and the action's name in the audit log. */
    public final String path;
    public final String noun;
    public final String title;
    public final String heading;
    public final String amountLabel;
    public final String amountHint;
    /** Whether the amount may be negative (an adjustment debits); debt is only ever forgiven, never added. */
    public final boolean signed;

    Correction(String path, String noun, String title, String heading, String amountLabel, String amountHint,
               boolean signed) {
        this.path = path;
        this.noun = noun;
        this.title = title;
        this.heading = heading;
        this.amountLabel = amountLabel;
        this.amountHint = amountHint;
        this.signed = signed;
    }

    /** The JAX-RS path template's alternatives, so an unknown segment is a 404 before any code runs. */
    static final String PATHS = "adjustment|debt-forgiveness";

    static Correction ofPath(String path) {
        return Arrays.stream(values()).filter(c -> c.path.equals(path)).findFirst()
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException(path));
    }
}
