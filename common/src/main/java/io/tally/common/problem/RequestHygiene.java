package io.tally.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refusals decided before a request reaches the REST layer, answered as problem+json like every other error:
 * <ul>
 *   <li>a declared body over {@code quarkus.http.limits.max-body-size} — Quarkus' own check, which runs right after
 *       this one, answers a bare 413 with no body;</li>
 *   <li>control characters in the path or the query — a NUL in an id would otherwise reach PostgreSQL, which
 *       refuses it as an encoding error (a 500), and no Tally id or filter ever contains one.</li>
 * </ul>
 */
@ApplicationScoped
public class RequestHygiene {

    private static final int BEFORE_QUARKUS_BODY_LIMIT = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final long maxBodyBytes;
    private final ObjectMapper json;

    public RequestHygiene(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
                          ObjectMapper json) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.json = json;
    }

    void register(@Observes Router router) {
        router.route().order(BEFORE_QUARKUS_BODY_LIMIT).handler(this::check);
    }

    private void check(RoutingContext context) {
        String declaredLength = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declaredLength != null && exceeds(declaredLength)) {
            // The body is not read: the connection is closed after the answer, as Quarkus does.
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            refuse(context, Problem.of(413, "payload-too-large", "Payload Too Large",
                    "Request bodies are limited to " + maxBodyBytes + " bytes"));
            return;
        }
        if (hasControlCharacters(context.request().path()) || hasControlCharacters(context.request().query())) {
            refuse(context, Problem.of(400, "bad-request", "Bad Request",
                    "The path or query contains control characters"));
            return;
        }
        context.next();
    }

    private boolean exceeds(String declaredLength) {
        try {
            return Long.parseLong(declaredLength.strip()) > maxBodyBytes;
        } catch (NumberFormatException notANumber) {
            return false; // Vert.x refuses a malformed Content-Length itself
        }
    }

    static boolean hasControlCharacters(String rawPathOrQuery) {
        if (rawPathOrQuery == null) {
            return false;
        }
        if (rawPathOrQuery.indexOf('%') < 0) {
            // Nothing escaped (every heartbeat, most calls): the raw text is the text, no decoding needed.
            return containsControlCharacter(rawPathOrQuery);
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(rawPathOrQuery.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            return false; // left to the REST layer, which answers 400/404 for what it cannot decode
        }
        return containsControlCharacter(decoded);
    }

    private static boolean containsControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    private void refuse(RoutingContext context, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem.atInstance(context.request().path()));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + problem.status() + "}";
        }
        context.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
