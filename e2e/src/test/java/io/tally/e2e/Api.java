package io.tally.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.testing.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** JSON over HTTP to one of the stack's services, as a client app, a worker or an admin console would call it. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Stack stack;

    Api(Stack stack) {
        this.stack = stack;
    }

    static String bearer(String user, String... roles) {
        return TestTokens.bearer(user, roles.length == 0 ? new String[] {"user"} : roles);
    }

    Answer get(String service, String path, String authorization) {
        return send(service, path, "GET", authorization, null, Map.of());
    }

    Answer post(String service, String path, String authorization, Object body, Map<String, String> headers) {
        return send(service, path, "POST", authorization, body, headers);
    }

    Answer send(String service, String path, String method, String authorization, Object body, Map<String, String> headers) {
        String text = body == null ? null : body instanceof String s ? s : write(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url(service) + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (text != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on " + service + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
