package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Google Play real-time developer notifications, pushed by Pub/Sub. The push carries
 * {@code Authorization: Bearer <OIDC token>} signed by Google for the subscription's service account: it is
 * verified (RS256, Google's keys, issuer, the configured audience and service account) before the body is read.
 * The notification names a purchase by its token, which the app registered on its payment
 * ({@code POST /payments/{id}/purchase-token}); a voided purchase reverses it.
 */
@Singleton
public class GoogleVerifier implements WebhookVerifier {

    private static final int PURCHASED = 1;
    private static final int CANCELED = 2;

    private final PaymentsConfig.Google config;
    private final boolean remoteKeys;
    private volatile JwtConsumer consumer;

    public GoogleVerifier(PaymentsConfig config) {
        this.config = config.webhooks().google();
        this.remoteKeys = this.config.jwksLocation().startsWith("https://");
    }

    @Override
    public String provider() {
        return Providers.GOOGLE;
    }

    @Override
    public boolean blocking() {
        return remoteKeys;
    }

    @Override
    public ProviderEvent verify(WebhookRequest request) {
        verifyBearer(request.header("Authorization"));
        JsonNode push = WebhookJson.parse(request.body());
        String messageId = WebhookJson.text(push, "/message/messageId");
        JsonNode notification = WebhookJson.parse(decode(requiredToken(push, "/message/data")));
        String packageName = WebhookJson.optionalText(notification, "/packageName");
        if (config.packageName().isPresent() && !config.packageName().get().equals(packageName)) {
            throw WebhookRejected.signature("notification for another app (" + packageName + ")");
        }
        if (notification.has("oneTimeProductNotification")) {
            JsonNode product = notification.get("oneTimeProductNotification");
            Long type = WebhookJson.optionalLong(product, "/notificationType");
            String token = WebhookJson.text(product, "/purchaseToken");
            String typeName = "oneTimeProductNotification." + type;
            if (type != null && type == PURCHASED) {
                return new ProviderEvent(provider(), messageId, typeName, Kind.CONFIRMED, null, token, null, null,
                        WebhookJson.text(product, "/sku"), null);
            }
            if (type != null && type == CANCELED) {
                return new ProviderEvent(provider(), messageId, typeName, Kind.FAILED, null, token, null, null, null,
                        "pending purchase cancelled");
            }
            return ProviderEvent.ignored(provider(), messageId, typeName, "one-time product notification not used");
        }
        if (notification.has("voidedPurchaseNotification")) {
            String token = WebhookJson.text(notification, "/voidedPurchaseNotification/purchaseToken");
            return new ProviderEvent(provider(), messageId, "voidedPurchaseNotification", Kind.REFUNDED, null, token,
                    null, null, null, "purchase voided by Google Play");
        }
        return ProviderEvent.ignored(provider(), messageId, "other", "notification kind not used by Tally");
    }

    private void verifyBearer(String authorization) {
        if (config.audience().isEmpty() || config.serviceAccountEmail().isEmpty()) {
            throw WebhookRejected.signature("no Pub/Sub push audience and service account are configured");
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw WebhookRejected.signature("missing Authorization: Bearer token");
        }
        try {
            JwtClaims claims = consumer().processToClaims(authorization.substring("Bearer ".length()).trim());
            if (!config.serviceAccountEmail().get().equals(claims.getStringClaimValue("email"))
                    || !Boolean.TRUE.equals(claims.getClaimValue("email_verified", Boolean.class))) {
                throw WebhookRejected.signature("the token is not the push subscription's service account");
            }
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw WebhookRejected.signature("invalid push token: " + e.getMessage());
        }
    }

    private JwtConsumer consumer() {
        if (consumer == null) {
            consumer = new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds(60)
                    .setExpectedIssuers(true, "accounts.google.com", "https://accounts.google.com")
                    .setExpectedAudience(config.audience().get())
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setVerificationKeyResolver(keyResolver())
                    .build();
        }
        return consumer;
    }

    private VerificationKeyResolver keyResolver() {
        if (remoteKeys) {
            return new HttpsJwksVerificationKeyResolver(new HttpsJwks(config.jwksLocation()));
        }
        try {
            String jwks = Files.readString(Path.of(config.jwksLocation().replaceFirst("^file:", "")));
            return new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys());
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("cannot read the Google JWKS at " + config.jwksLocation(), e);
        }
    }

    private static String requiredToken(JsonNode node, String path) {
        String value = WebhookJson.optionalToken(node, path);
        if (value == null) {
            throw WebhookRejected.malformed("missing " + path);
        }
        return value;
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw WebhookRejected.malformed("message.data is not base64");
        }
    }
}
