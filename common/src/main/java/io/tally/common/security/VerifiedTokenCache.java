package io.tally.common.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.function.LongSupplier;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Remembers bearer tokens that verified, so a client calling many times with the same token (a viewer's
 * heartbeat every few seconds, a worker's reports) pays the RS256 verification once instead of on every request.
 *
 * <p>A remembered token is accepted until the earlier of its own {@code exp} and {@code tally.auth.token-cache-ttl}
 * (60 s) after it was verified — never past its expiry. The TTL also bounds how long a token keeps passing after
 * its signing key was removed from the verification keys. The cache is keyed by the exact token text and holds at
 * most {@code tally.auth.token-cache-size} entries; once full, further tokens are verified but not remembered until
 * expired entries are purged (a full cache is swept at most once a second). Only the plain {@code parse(token)} the
 * authentication mechanism calls is cached.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    private final DefaultJWTParser delegate;
    private final long ttlMillis;
    private final ExpiringTokenMap<JsonWebToken> verified;
    private final LongSupplier clock;

    @Inject
    public VerifiedTokenCache(DefaultJWTParser delegate,
                              @ConfigProperty(name = "tally.auth.token-cache-ttl", defaultValue = "60s")
                              java.time.Duration ttl,
                              @ConfigProperty(name = "tally.auth.token-cache-size", defaultValue = "10000")
                              int maxEntries) {
        this(delegate, ttl, maxEntries, System::currentTimeMillis);
    }

    /** With the clock (epoch milliseconds) that TTLs and expiries are read from: tests move it by hand. */
    VerifiedTokenCache(DefaultJWTParser delegate, java.time.Duration ttl, int maxEntries, LongSupplier clock) {
        this.delegate = delegate;
        this.ttlMillis = ttl.toMillis();
        this.verified = new ExpiringTokenMap<>(maxEntries);
        this.clock = clock;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.getAsLong();
        JsonWebToken cached = verified.get(token, now);
        if (cached != null) {
            return cached;
        }
        JsonWebToken jwt = delegate.parse(token);
        if (ttlMillis > 0 && jwt.getExpirationTime() > 0) {
            // Verified again: the same token text carries the same claims, so the principal remembered before (by
            // now in the old generation) is kept rather than replaced by an equal one (see ExpiringTokenMap).
            JsonWebToken earlier = verified.lastKnown(token);
            jwt = earlier != null ? earlier : jwt;
            verified.put(token, jwt, Math.min(jwt.getExpirationTime() * 1_000, now + ttlMillis), now);
        }
        return jwt;
    }

    /**
     * Until when (epoch ms) the token's verification is remembered, 0 when it is not. Never verifies: something
     * that trusts a token on the strength of an earlier full authentication trusts it no longer than this.
     */
    public long rememberedUntil(String token) {
        return verified.validUntil(token, clock.getAsLong());
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }
}
