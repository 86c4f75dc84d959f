package io.tally.payments.rest;

import io.smallrye.mutiny.Uni;
import io.tally.payments.webhook.WebhookReceiver;
import io.tally.payments.webhook.WebhookRequest;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Provider webhooks. No JWT: each provider's own signature authenticates the delivery, checked on the raw bytes
 * (the body is taken as bytes so that nothing re-encodes it before verification).
 */
@Path("/webhooks")
@PermitAll
public class WebhookResource {

    private final WebhookReceiver receiver;

    public WebhookResource(WebhookReceiver receiver) {
        this.receiver = receiver;
    }

    @POST
    @Path("/{provider}")
    @Consumes(MediaType.WILDCARD)
    public Uni<WebhookReceiver.Receipt> receive(@PathParam("provider") String provider, byte[] body,
                                                @Context HttpServerRequest http) {
        Map<String, String> headers = new HashMap<>();
        http.headers().forEach(entry -> headers.put(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue()));
        // The sender as resolved by the HTTP layer: the client a trusted proxy (the gateway) forwarded, else the peer.
        String sender = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return receiver.receive(new WebhookRequest(provider, headers, body == null ? new byte[0] : body, Instant.now(),
                sender));
    }
}
