package io.tally.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Signed JWTs for scenarios, with the same local key pair `./dev token` uses and the services trust. */
public final class Tokens {

    private Tokens() {
    }

    /**
     * Signs tokens in-process with the local private key (`./dev bench` exports its path): scenarios with
     * thousands of users cannot spawn `./dev token` per user.
     */
    public static Signer signer(BenchContext context) throws java.security.GeneralSecurityException, IOException {
        String keyPath = context.env().getOrDefault("TALLY_BENCH_JWT_KEY", ".dev/keys/jwt-private.pem");
        String pem = java.nio.file.Files.readString(java.nio.file.Path.of(keyPath))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
        return new Signer(key, context.env().getOrDefault("TALLY_JWT_ISSUER", "https://tally.local"));
    }

    /** RS256 JWTs with the claims the services read: iss, sub, upn, groups, iat, exp. */
    public record Signer(java.security.PrivateKey key, String issuer) {

        public String issue(String subject, String... roles) {
            java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
            long now = System.currentTimeMillis() / 1000;
            String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"tally-dev\"}"
                    .getBytes(StandardCharsets.UTF_8));
            String groups = String.join(",", java.util.Arrays.stream(roles).map(r -> "\"" + r + "\"").toList());
            String payload = b64.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject
                    + "\",\"upn\":\"" + subject + "\",\"groups\":[" + groups + "],\"iat\":" + now
                    + ",\"exp\":" + (now + 86_400) + "}").getBytes(StandardCharsets.UTF_8));
            try {
                java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
                rsa.initSign(key);
                rsa.update((header + "." + payload).getBytes(StandardCharsets.UTF_8));
                return header + "." + payload + "." + b64.encodeToString(rsa.sign());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign a bench token", e);
            }
        }
    }
}
