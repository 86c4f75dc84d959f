package io.tally.common.security;

/** The roles of the suite, read from the token's roles claim (see docs/architecture.md, "Auth"). */
public final class Roles {

    public static final String USER = "user";
    public static final String WORKER = "worker";
    public static final String SERVICE = "service";
    public static final String ADMIN = "admin";
    /** Support staff: reads everything an admin reads (the operator console's pages), changes nothing. */
    public static final String SUPPORT = "support";

    private Roles() {
    }
}
