package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.UUID;

/**
 * Reads provider payloads. Unlike Tally's own API (which refuses unknown fields), providers add fields whenever
 * they like, so these readers take what they need and ignore the rest.
 */
final class WebhookJson {

    private static final ObjectMapper LENIENT = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private WebhookJson() {
    }

    static JsonNode parse(byte[] body) {
        try {
            JsonNode node = LENIENT.readTree(body);
            if (node == null || !node.isObject()) {
                throw WebhookRejected.malformed("the body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw WebhookRejected.malformed("the body is not valid JSON");
        }
    }

    static JsonNode parse(String text) {
        try {
            JsonNode node = LENIENT.readTree(text);
            if (node == null || !node.isObject()) {
                throw WebhookRejected.malformed("the payload is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw WebhookRejected.malformed("the payload is not valid JSON");
        }
    }

    /** A required text field; {@code path} uses JSON Pointer ("/data/object/id"). */
    static String text(JsonNode node, String path) {
        String value = optionalText(node, path);
        if (value == null) {
            throw WebhookRejected.malformed("missing " + path);
        }
        return value;
    }

    static String optionalText(JsonNode node, String path) {
        return optionalText(node, path, 500);
    }

    /** A signed token (JWS, JWT): longer than any id or name, still bounded. */
    static String optionalToken(JsonNode node, String path) {
        return optionalText(node, path, 64 * 1024);
    }

    private static String optionalText(JsonNode node, String path, int maxLength) {
        JsonNode field = node.at(path);
        if (field.isMissingNode() || field.isNull()) {
            return null;
        }
        if (!field.isValueNode() || field.asText().isEmpty() || field.asText().length() > maxLength) {
            throw WebhookRejected.malformed(path + " is not a usable value");
        }
        return field.asText();
    }

    static Long optionalLong(JsonNode node, String path) {
        JsonNode field = node.at(path);
        if (field.isMissingNode() || field.isNull()) {
            return null;
        }
        if (!field.canConvertToExactIntegral() || !field.canConvertToLong()) {
            throw WebhookRejected.malformed(path + " is not a whole number");
        }
        return field.asLong();
    }

    static UUID optionalUuid(JsonNode node, String path) {
        String value = optionalText(node, path);
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw WebhookRejected.malformed(path + " is not a Tally payment reference");
        }
    }
}
