package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Google service account as its JSON key file has it: who it is ({@code client_email}), the key it signs with
 * ({@code private_key_id}, {@code private_key}) and where it trades a signed assertion for an access token
 * ({@code token_uri}).
 */
record GoogleServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri) {

    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    private static final String SETTING = "TALLY_GOOGLE_SERVICE_ACCOUNT_KEY";

    /** The key itself (JSON, as in a Kubernetes Secret) or the path of its file. */
    static GoogleServiceAccount read(String keyOrPath) {
        String json = keyOrPath.strip();
        if (!json.startsWith("{")) {
            try {
                json = Files.readString(Path.of(json));
            } catch (IOException e) {
                throw new IllegalStateException(SETTING + " names a file that cannot be read: " + e.getMessage(), e);
            }
        }
        JsonNode key;
        try {
            key = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(SETTING + " is not a service account key file (not JSON)");
        }
        if (!"service_account".equals(key.path("type").asText())) {
            throw new IllegalStateException(SETTING + " is not a service account key file (type is not service_account)");
        }
        String tokenUri = key.path("token_uri").asText();
        return new GoogleServiceAccount(required(key, "client_email"), required(key, "private_key_id"),
                privateKey(required(key, "private_key")), tokenUri.isBlank() ? DEFAULT_TOKEN_URI : tokenUri);
    }

    private static String required(JsonNode key, String field) {
        String value = key.path(field).asText();
        if (value.isBlank()) {
            throw new IllegalStateException(SETTING + " has no " + field);
        }
        return value;
    }

    private static PrivateKey privateKey(String pem) {
        try {
            byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalStateException(SETTING + " has a private_key that is not a PKCS#8 RSA key", e);
        }
    }

    @Override
    public String toString() {
        return "GoogleServiceAccount[" + clientEmail + ", key " + privateKeyId + "]";
    }
}
