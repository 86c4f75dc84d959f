package io.tally.common.http;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Every request carries an id: the gateway's {@code X-Request-Id}, or one made here for a request that did not
 * come through it. The id is in the logging context for the whole request ({@code requestId}: a field of every
 * JSON log line in containers), on the response, and in a 5xx problem, so the id a client quotes leads to the
 * log lines.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final AttributeKey<String> SPAN_ATTRIBUTE = AttributeKey.stringKey("tally.request_id");
    /** Before every other handler, so that refusals made before the REST layer carry the id too. */
    private static final int FIRST = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 10;
    /** What is copied into logs and answers: nginx's 32 hex digits, a UUID, or alike; anything else is replaced. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    void register(@Observes Router router) {
        router.route().order(FIRST).handler(this::tag);
    }

    private void tag(RoutingContext context) {
        String id = context.request().getHeader(HEADER);
        if (id == null || !SAFE.matcher(id).matches()) {
            id = newId();
        }
        // Quarkus keeps the MDC in the request's own (duplicated) Vert.x context, so it follows the request onto
        // worker threads and never leaks into another request.
        MDC.put(MDC_KEY, id);
        // On the request's span too (a no-op when tracing is off), so a trace can be found by the id a client quotes.
        Span.current().setAttribute(SPAN_ATTRIBUTE, id);
        context.response().putHeader(HEADER, id);
        context.next();
    }

    /**
     * 32 hex digits, like nginx's {@code $request_id}. Not a secret, so ThreadLocalRandom: UUID.randomUUID() would
     * take the JVM-wide SecureRandom on every request that did not come through the gateway (heartbeats included).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }

    /** The current request's id, or null outside a request. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }
}
