package io.tally.common.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller of the current request: the token's {@code sub} is the user id everywhere in Tally. */
@RequestScoped
public class CurrentUser {

    /** User ids are opaque text (Supabase and Keycloak use UUIDs, others don't); this bounds them. */
    public static final int MAX_USER_ID_LENGTH = 128;

    private final JsonWebToken jwt;
    private final SecurityIdentity identity;

    public CurrentUser(JsonWebToken jwt, SecurityIdentity identity) {
        this.jwt = jwt;
        this.identity = identity;
    }

    public String id() {
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_USER_ID_LENGTH) {
            throw new AuthenticationFailedException("token has no usable sub claim");
        }
        return subject;
    }

    /**
     * The caller's name for people reading a record (an operator's username where the token carries one: {@code upn}
     * or {@code preferred_username}); the id, {@link #id()}, is what records key on.
     */
    public String displayName() {
        String name = jwt.getName();
        return name == null || name.isBlank() || name.length() > MAX_USER_ID_LENGTH ? id() : name;
    }

    /** The bearer token this request was authenticated with, as the client sent it. */
    public String bearerToken() {
        return jwt.getRawToken();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }
}
