package io.tally.payments;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.util.Map;

/** A webhook as a provider would send it: the exact body bytes and the headers that sign them. */
record Delivery(String provider, String body, Map<String, String> headers) {

    Response post() {
        return given().headers(headers).contentType("application/json").body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/webhooks/" + provider);
    }

    /** The same delivery with its body changed after signing. */
    Delivery tampered(String from, String to) {
        if (!body.contains(from)) {
            throw new IllegalArgumentException("body does not contain " + from);
        }
        return new Delivery(provider, body.replace(from, to), headers);
    }
}
