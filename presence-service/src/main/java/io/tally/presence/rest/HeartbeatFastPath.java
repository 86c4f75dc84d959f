package io.tally.presence.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.tally.common.security.ExpiringTokenMap;
import io.tally.common.security.VerifiedTokenCache;
import io.tally.presence.viewer.Viewers;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers the common heartbeat — a known connection, a token the full stack already accepted for heartbeats,
 * no faster than the minimum interval — straight on the Vert.x router, ahead of Jakarta REST. Heartbeats are
 * most of presence-service's traffic (a viewer sends one every few seconds for as long as it watches) and the
 * full stack (CDI request context, security identity, role check, context propagation on every operator) cost
 * several times the heartbeat itself.
 *
 * <p>Anything else is passed on unchanged to {@link BoxesResource#heartbeat}, which gives every error: a token
 * this replica has not seen accepted, or whose permit lapsed, an unknown or foreign connection, a malformed id,
 * a heartbeat too soon. A token is permitted here only after the full stack authenticated it and let its
 * subject heartbeat ({@link #permit}), and only while {@link VerifiedTokenCache} remembers its verification (at
 * most {@code tally.auth.token-cache-ttl} after its signature was checked, never past its expiry), so this path
 * never accepts what that one would refuse.
 */
@ApplicationScoped
public class HeartbeatFastPath {

    static final String PATH = "/boxes/:boxId/viewers/:connectionId";
    private static final String BEARER = "Bearer ";

    private final Viewers viewers;
    private final VerifiedTokenCache verifiedTokens;
    private final ObjectMapper json;
    private final ExpiringTokenMap<String> permittedUsers;
    private final Counter answered;

    public HeartbeatFastPath(Viewers viewers, VerifiedTokenCache verifiedTokens, ObjectMapper json,
                             MeterRegistry registry,
                             @ConfigProperty(name = "tally.auth.token-cache-size", defaultValue = "10000")
                             int maxTokens) {
        this.viewers = viewers;
        this.verifiedTokens = verifiedTokens;
        this.json = json;
        this.permittedUsers = new ExpiringTokenMap<>(maxTokens);
        this.answered = Counter.builder("tally.presence.heartbeats.fast")
                .description("Heartbeats answered from memory ahead of the REST stack").register(registry);
    }

    void install(@Observes Router router) {
        router.put(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    /**
     * The full stack accepted a heartbeat of {@code userId} with {@code token}: it may take this path for as long
     * as its verification is remembered (nothing, when it is not). Permits lapse with verified tokens, so a full
     * map (more distinct viewers than {@code tally.auth.token-cache-size}) frees room within the TTL, and one
     * lookup per heartbeat covers both.
     */
    void permit(String token, String userId) {
        permittedUsers.put(token, userId, verifiedTokens.rememberedUntil(token), System.currentTimeMillis());
    }

    private void handle(RoutingContext context) {
        Viewers.Joined joined = acceptFromMemory(context);
        if (joined == null) {
            context.next();
            return;
        }
        Buffer body;
        try {
            body = Buffer.buffer(json.writeValueAsBytes(joined));
        } catch (JsonProcessingException e) {
            context.fail(e);
            return;
        }
        answered.increment();
        context.response().putHeader("Content-Type", "application/json;charset=UTF-8").end(body);
    }

    private Viewers.Joined acceptFromMemory(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        String userId = permittedUsers.get(token, System.currentTimeMillis());
        if (userId == null) {
            return null;
        }
        UUID boxId = uuid(context.pathParam("boxId"));
        UUID connectionId = uuid(context.pathParam("connectionId"));
        if (boxId == null || connectionId == null) {
            return null;
        }
        return viewers.acceptHeartbeatFromMemory(boxId, connectionId, userId);
    }

    private static UUID uuid(String text) {
        try {
            return text == null || text.length() != 36 ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
