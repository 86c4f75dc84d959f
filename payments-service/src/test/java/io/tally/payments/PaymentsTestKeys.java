package io.tally.payments;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;

/**
 * Generates the keys the provider tests sign with, before the service starts: an App Store-like CA (root,
 * intermediate, leaf, an expired leaf, a leaf without Apple's marker extension, and a stranger's CA) and a Google-like RSA key published as a JWKS. The
 * service's %test configuration points at the files written here (target/payments-test-keys).
 */
public class PaymentsTestKeys implements QuarkusTestResourceLifecycleManager {

    static final Path DIR = Path.of("target", "payments-test-keys");
    static final String GOOGLE_KEY_ID = "tally-test-google-1";

    @Override
    public Map<String, String> start() {
        TestCertificates root = TestCertificates.root("Tally Test Apple Root CA");
        TestCertificates intermediate = root.issueIntermediate("Tally Test Apple WWDR");
        TestCertificates leaf = intermediate.issueLeaf("Tally Test App Store Signing", Instant.now().plus(365, ChronoUnit.DAYS));
        TestCertificates expiredLeaf = intermediate.issueLeaf("Tally Test Expired Signing", Instant.now().minus(1, ChronoUnit.HOURS));
        TestCertificates plainLeaf = intermediate.issuePlainLeaf("Tally Test Signing Without Apple's Marker");
        TestCertificates strangerRoot = TestCertificates.root("Somebody Else Root CA");
        TestCertificates strangerIntermediate = strangerRoot.issueIntermediate("Somebody Else WWDR");
        TestCertificates strangerLeaf = strangerIntermediate.issueLeaf("Somebody Else Signing", Instant.now().plus(365, ChronoUnit.DAYS));
        save("apple-root", root);
        save("apple-intermediate", intermediate);
        save("apple-leaf", leaf);
        save("apple-expired-leaf", expiredLeaf);
        save("apple-plain-leaf", plainLeaf);
        save("stranger-root", strangerRoot);
        save("stranger-intermediate", strangerIntermediate);
        save("stranger-leaf", strangerLeaf);
        writeGoogleKeys();
        return Map.of();
    }

    @Override
    public void stop() {
    }

    private static void save(String name, TestCertificates certificate) {
        certificate.writeCertificatePem(DIR.resolve(name + ".pem"));
        certificate.writeKeyPem(DIR.resolve(name + ".key"));
    }

    private static void writeGoogleKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            RSAPublicKey publicKey = (RSAPublicKey) keys.getPublic();
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"" + GOOGLE_KEY_ID
                    + "\",\"n\":\"" + url.encodeToString(unsigned(publicKey.getModulus().toByteArray()))
                    + "\",\"e\":\"" + url.encodeToString(unsigned(publicKey.getPublicExponent().toByteArray())) + "\"}]}";
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve("google-jwks.json"), jwks);
            Files.writeString(DIR.resolve("google-push.key"), "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the Google test keys", e);
        }
    }

    /** BigInteger's two's complement may lead with a zero byte; JWK wants the bare unsigned value. */
    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
