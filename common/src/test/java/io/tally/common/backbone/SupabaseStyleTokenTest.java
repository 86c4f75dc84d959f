package io.tally.common.backbone;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Supabase signs its legacy access tokens with HS256 and a shared secret, and puts role=authenticated in a
 * plain string claim. Configured as docs/architecture.md describes, such a token is a Tally "user".
 */
@QuarkusTest
@TestProfile(SupabaseStyleTokenTest.SupabaseProfile.class)
class SupabaseStyleTokenTest {

    static final String SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
    static final String ISSUER = "https://project-ref.supabase.co/auth/v1";

    public static class SupabaseProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // The shared secret as a JWK "oct" key (test-jwt/supabase-hs256.jwk encodes SECRET).
                    "smallrye.jwt.verify.key.location", "test-jwt/supabase-hs256.jwk",
                    "smallrye.jwt.verify.algorithm", "HS256",
                    "mp.jwt.verify.issuer", ISSUER,
                    "smallrye.jwt.path.groups", "role");
        }
    }

    @Test
    void hs256TokenWithAuthenticatedRoleIsAUser() {
        given().header("Authorization", "Bearer " + supabaseToken("8f0c6a52-user", ISSUER, SECRET))
                .when().get("/test/secure/user")
                .then().statusCode(200).body("userId", equalTo("8f0c6a52-user"));
    }

    @Test
    void hs256TokenWithAnotherSecretIs401() {
        given().header("Authorization", "Bearer " + supabaseToken("8f0c6a52-user", ISSUER,
                        "another-secret-that-is-also-at-least-32-characters"))
                .when().get("/test/secure/user")
                .then().statusCode(401);
    }

    @Test
    void authenticatedIsNotAdmin() {
        given().header("Authorization", "Bearer " + supabaseToken("8f0c6a52-user", ISSUER, SECRET))
                .when().get("/test/secure/admin")
                .then().statusCode(403);
    }

    private static String supabaseToken(String subject, String issuer, String secret) {
        return Jwt.issuer(issuer).subject(subject).claim("role", "authenticated").claim("aud", "authenticated")
                .expiresAt(Instant.now().plusSeconds(600))
                .jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.HS256)
                .sign(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }
}
