package io.tally.console;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The signed-in operator as the pages see them ({@code inject:operator} in templates): a name to show and to record,
 * and whether they may act. Roles come from the identity provider's token (docs/console.md, "Sign-in").
 */
@Named("operator")
@RequestScoped
public class Operator {

    public static final String ADMIN = "admin";
    public static final String SUPPORT = "support";

    private final SecurityIdentity identity;

    public Operator(SecurityIdentity identity) {
        this.identity = identity;
    }

    public String name() {
        return identity.getPrincipal().getName();
    }

    /** Admins act (adjust, forgive, refund, re-check); support staff read. */
    public boolean canAct() {
        return identity.hasRole(ADMIN);
    }

    public String role() {
        return canAct() ? ADMIN : SUPPORT;
    }
}
