package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
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
 *
 * <p>A notification only announces. What counts is the purchase as the Play Developer API returns it
 * ({@link PlayDeveloperApi}): purchased ({@code purchaseState} 0) confirms, and Tally then acknowledges it; cancelled
 * fails the payment; pending leaves it as it is. A license tester's purchase ({@code purchaseType} 0) credits nothing
 * unless {@code allow-test-purchases} is on.
 *
 * <p>Created at start-up ({@link Startup}), so that Google enabled (a push audience) without its service account,
 * package name or API key stops the service before it takes any delivery.
 */
@Singleton
@Startup
public class GoogleVerifier implements WebhookVerifier {

    private static final int PURCHASED = 1;
    private static final int CANCELED = 2;
    private static final long TEST_PURCHASE = 0;

    private final PaymentsConfig.Google config;
    private final PlayDeveloperApi play;
    private final boolean remoteKeys;
    private volatile JwtConsumer consumer;

    public GoogleVerifier(PaymentsConfig config, PlayDeveloperApi play) {
        this.config = config.webhooks().google();
        requireCompleteConfiguration(this.config);
        this.play = play;
        this.remoteKeys = this.config.jwksLocation().startsWith("https://");
    }

    /**
     * Google is enabled by the push subscription's audience; then the push service account, the package name and
     * the service account key for the Play Developer API must be set too.
     */
    static void requireCompleteConfiguration(PaymentsConfig.Google google) {
        if (google.audience().filter(audience -> !audience.isBlank()).isEmpty()) {
            return;
        }
        String missing = google.serviceAccountEmail().filter(email -> !email.isBlank()).isEmpty()
                ? "TALLY_GOOGLE_PUSH_SERVICE_ACCOUNT"
                : google.packageName().filter(name -> !name.isBlank()).isEmpty() ? "TALLY_GOOGLE_PACKAGE_NAME"
                : google.serviceAccountKey().filter(key -> !key.isBlank()).isEmpty() ? "TALLY_GOOGLE_SERVICE_ACCOUNT_KEY"
                : null;
        if (missing != null) {
            throw new IllegalStateException("Google Play notifications are enabled (TALLY_GOOGLE_PUSH_AUDIENCE) but "
                    + missing + " is not set: Tally takes a Play purchase only once the Play Developer API confirms it "
                    + "for this app (docs/payments.md, \"Google Play\")");
        }
    }

    @Override
    public String provider() {
        return Providers.GOOGLE;
    }

    /** Each purchase is looked up on the Play Developer API. */
    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public ProviderEvent verify(WebhookRequest request) {
        verifyBearer(request.header("Authorization"));
        JsonNode push = WebhookJson.parse(request.body());
        String messageId = WebhookJson.text(push, "/message/messageId");
        JsonNode notification = WebhookJson.parse(decode(requiredToken(push, "/message/data")));
        String packageName = config.packageName().orElseThrow();
        if (!packageName.equals(WebhookJson.optionalText(notification, "/packageName"))) {
            throw WebhookRejected.signature("notification for another app ("
                    + WebhookJson.optionalText(notification, "/packageName") + ")");
        }
        if (notification.has("oneTimeProductNotification")) {
            JsonNode product = notification.get("oneTimeProductNotification");
            Long type = WebhookJson.optionalLong(product, "/notificationType");
            String typeName = "oneTimeProductNotification." + type;
            if (type == null || (type != PURCHASED && type != CANCELED)) {
                return ProviderEvent.ignored(provider(), messageId, typeName, "one-time product notification not used");
            }
            return purchaseState(messageId, typeName, WebhookJson.text(product, "/purchaseToken"),
                    WebhookJson.text(product, "/sku"));
        }
        if (notification.has("voidedPurchaseNotification")) {
            String token = WebhookJson.text(notification, "/voidedPurchaseNotification/purchaseToken");
            return new ProviderEvent(provider(), messageId, "voidedPurchaseNotification", Kind.REFUNDED, null, token,
                    null, null, null, "purchase voided by Google Play");
        }
        return ProviderEvent.ignored(provider(), messageId, "other", "notification kind not used by Tally");
    }

    /**
     * The purchase as the Play Developer API has it now, as an event about the payment its token names; a purchase
     * that confirms it is acknowledged first. Also an operator's re-check ({@link PaymentRechecks}).
     */
    public ProviderEvent purchaseState(String eventId, String typeName, String token, String productId) {
        String packageName = config.packageName().filter(name -> !name.isBlank()).orElseThrow(() ->
                ProviderApi.unavailable("TALLY_GOOGLE_PACKAGE_NAME is not set: purchases cannot be looked up with "
                        + "Google Play"));
        JsonNode purchase = play.productPurchase(packageName, productId, token);
        ProviderEvent event = ofPurchase(eventId, typeName, token, productId, purchase, config.allowTestPurchases());
        if (event.kind() == Kind.CONFIRMED && !Long.valueOf(1).equals(
                WebhookJson.optionalLong(purchase, "/acknowledgementState"))) {
            // Before the payment is recorded: a push whose recording fails is answered 503 and pushed again,
            // and then finds the purchase acknowledged. Never acknowledged, Google refunds it in three days.
            play.acknowledge(packageName, productId, token);
        }
        return event;
    }

    /** What the purchase, as Google Play has it, means for the payment its token names. */
    static ProviderEvent ofPurchase(String messageId, String typeName, String token, String productId,
                                    JsonNode purchase, boolean allowTestPurchases) {
        String theirProduct = WebhookJson.optionalText(purchase, "/productId");
        if (theirProduct != null && !theirProduct.equals(productId)) {
            throw WebhookRejected.malformed("Google Play has this token as a purchase of " + theirProduct + ", not "
                    + productId);
        }
        Long state = WebhookJson.optionalLong(purchase, "/purchaseState");
        Long purchaseType = WebhookJson.optionalLong(purchase, "/purchaseType");
        long quantity = Optional.ofNullable(WebhookJson.optionalLong(purchase, "/quantity")).orElse(1L);
        if (state == null || state < 0 || state > 2) {
            throw WebhookRejected.malformed("Google Play answered purchaseState " + state);
        }
        if (state == 1) {
            return new ProviderEvent(Providers.GOOGLE, messageId, typeName, Kind.FAILED, null, token, null, null, null,
                    "purchase cancelled at Google Play");
        }
        if (state == 2) {
            return unchanged(messageId, typeName, token, "the purchase is still pending at Google Play");
        }
        if (purchaseType != null && purchaseType == TEST_PURCHASE && !allowTestPurchases) {
            return unchanged(messageId, typeName, token, "a license tester's purchase, which costs nothing: "
                    + "credited only with TALLY_GOOGLE_ALLOW_TEST_PURCHASES=true");
        }
        if (quantity != 1) {
            return unchanged(messageId, typeName, token, "a purchase of " + quantity + " at once: one payment is one "
                    + "package, so leave multi-quantity off for Tally's products and settle this one by an adjustment");
        }
        return new ProviderEvent(Providers.GOOGLE, messageId, typeName, Kind.CONFIRMED, null, token, null, null,
                productId, null);
    }

    /** A purchase that leaves its payment as it is (answered ignored once the payment is found). */
    private static ProviderEvent unchanged(String messageId, String typeName, String token, String detail) {
        return new ProviderEvent(Providers.GOOGLE, messageId, typeName, Kind.IGNORED, null, token, null, null, null,
                detail);
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
