package io.tally.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The cache never lets a token outlive its expiry or a failed verification pass. */
@Tag("unit")
class VerifiedTokenCacheTest {

    /** A verifier that counts its calls and answers tokens of the form "exp:<epoch seconds>" or fails. */
    static final class CountingVerifier extends DefaultJWTParser {
        final Map<String, Integer> calls = new HashMap<>();
        /** Tokens whose signature no longer verifies (their key was removed). */
        final Set<String> revoked = new HashSet<>();

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            calls.merge(token, 1, Integer::sum);
            if (!token.startsWith("exp:") || revoked.contains(token)) {
                throw new ParseException("bad signature");
            }
            return new Verified(Long.parseLong(token.substring(4)));
        }
    }

    record Verified(long exp) implements JsonWebToken {
        @Override
        public String getName() {
            return "alice";
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("exp");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return "exp".equals(claimName) ? (T) Long.valueOf(exp) : null;
        }
    }

    private final CountingVerifier verifier = new CountingVerifier();
    /** The clock of {@link #withShortTtl} caches (epoch ms), moved by hand. */
    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

    /** A cache whose entries last 50 ms of {@link #clock}. */
    private VerifiedTokenCache withShortTtl(int maxEntries) {
        return new VerifiedTokenCache(verifier, Duration.ofMillis(50), maxEntries, clock::get);
    }

    private static long inSeconds(long seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }

    @Test
    void aVerifiedTokenIsVerifiedOnce() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ofSeconds(60), 100);
        String token = "exp:" + inSeconds(3600);

        cache.parse(token);
        cache.parse(token);
        cache.parse(token);

        assertThat(verifier.calls.get(token)).isEqualTo(1);
    }

    @Test
    void aTokenPastItsExpiryIsVerifiedAgain() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ofSeconds(60), 100);
        String token = "exp:" + inSeconds(-1);

        cache.parse(token);
        cache.parse(token);

        assertThat(verifier.calls.get(token)).isEqualTo(2);
    }

    @Test
    void aFailedVerificationIsNeverRemembered() {
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ofSeconds(60), 100);

        assertThatThrownBy(() -> cache.parse("forged")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> cache.parse("forged")).isInstanceOf(ParseException.class);

        assertThat(verifier.calls.get("forged")).isEqualTo(2);
    }

    @Test
    void aFullCacheStillVerifiesButRemembersNoMore() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ofSeconds(60), 1);
        String first = "exp:" + inSeconds(3600);
        String second = "exp:" + (inSeconds(3600) + 1);

        cache.parse(first);
        cache.parse(second);
        cache.parse(second);
        cache.parse(first);

        assertThat(verifier.calls.get(first)).isEqualTo(1);
        assertThat(verifier.calls.get(second)).isEqualTo(2);
    }

    @Test
    void aFullCacheMakesRoomOnceItsEntriesHaveExpired() throws Exception {
        VerifiedTokenCache cache = withShortTtl(1);
        String first = "exp:" + inSeconds(3600);
        String second = "exp:" + (inSeconds(3600) + 1);

        cache.parse(first);
        clock.addAndGet(100); // past the 50 ms TTL of the first entry
        cache.parse(second);
        cache.parse(second);

        assertThat(verifier.calls.get(second)).as("remembered after the expired entry was swept").isEqualTo(1);
    }

    @Test
    void aZeroTtlTurnsTheCacheOff() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ZERO, 100);
        String token = "exp:" + inSeconds(3600);

        cache.parse(token);
        cache.parse(token);

        assertThat(verifier.calls.get(token)).isEqualTo(2);
    }

    @Test
    void aTokenVerifiedAgainAfterItsTtlKeepsThePrincipalItHadBefore() throws Exception {
        VerifiedTokenCache cache = withShortTtl(100);
        String token = "exp:" + inSeconds(3600);

        JsonWebToken first = cache.parse(token);
        clock.addAndGet(100); // past the TTL: the signature is checked again
        JsonWebToken again = cache.parse(token);
        JsonWebToken remembered = cache.parse(token);

        assertThat(verifier.calls.get(token)).isEqualTo(2);
        assertThat(again).isSameAs(first);
        assertThat(remembered).isSameAs(first);
    }

    @Test
    void aTokenThatNoLongerVerifiesIsNotAnsweredFromWhatWasRememberedBefore() throws Exception {
        VerifiedTokenCache cache = withShortTtl(100);
        String token = "exp:" + inSeconds(3600);

        cache.parse(token);
        verifier.revoked.add(token);
        clock.addAndGet(100);

        assertThatThrownBy(() -> cache.parse(token)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> cache.parse(token)).isInstanceOf(ParseException.class);
        assertThat(cache.rememberedUntil(token)).isZero();
    }
}
