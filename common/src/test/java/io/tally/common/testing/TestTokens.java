package io.tally.common.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Set;

/** Signed JWTs for tests, accepted by any service running with the test profile. */
public final class TestTokens {

    public static final String ISSUER = "https://tally.test";
    private static volatile PrivateKey testKey;

    private TestTokens() {
    }

    public static String token(String subject, String... roles) {
        return Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(Set.of(roles))
                .expiresAt(Instant.now().plusSeconds(3600)).sign(testKey());
    }

    /** A token from another issuer the services were started to trust (the console's tests: the identity provider). */
    public static String issuedBy(String issuer, String subject, String... roles) {
        return Jwt.issuer(issuer).subject(subject).upn(subject).groups(Set.of(roles))
                .expiresAt(Instant.now().plusSeconds(3600)).sign(testKey());
    }

    public static String bearer(String subject, String... roles) {
        return "Bearer " + token(subject, roles);
    }

    public static String expired(String subject, String... roles) {
        Instant issued = Instant.now().minusSeconds(7200);
        return Jwt.issuer(ISSUER).subject(subject).groups(Set.of(roles)).issuedAt(issued)
                .expiresAt(issued.plusSeconds(3600)).sign(testKey());
    }

    /** A well-formed token signed by a key the services do not trust. */
    public static String forged(String subject, String... roles) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Jwt.issuer(ISSUER).subject(subject).groups(Set.of(roles))
                    .expiresAt(Instant.now().plusSeconds(3600)).sign(generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String otherIssuer(String subject, String... roles) {
        return Jwt.issuer("https://someone-else.example").subject(subject).groups(Set.of(roles))
                .expiresAt(Instant.now().plusSeconds(3600)).sign(testKey());
    }

    private static PrivateKey testKey() {
        if (testKey == null) {
            try {
                testKey = KeyUtils.readPrivateKey("test-jwt/private.pem");
            } catch (Exception e) {
                throw new IllegalStateException("cannot read test-jwt/private.pem", e);
            }
        }
        return testKey;
    }
}
