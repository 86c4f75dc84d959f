package io.tally.payments;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Pub/Sub push deliveries of Play developer notifications, with the OIDC bearer token Google would attach, and the
 * purchases they announce as the Play Developer API has them ({@link GooglePlayStandIn}).
 */
final class GooglePushes {

    static final String AUDIENCE = "https://payments.tally.test/webhooks/google";
    static final String SERVICE_ACCOUNT = "play-push@tally-test.iam.gserviceaccount.com";
    static final String PACKAGE = "dev.tally.app";

    private GooglePushes() {
    }

    /** Purchase states and types as the Play Developer API numbers them. */
    static final int PURCHASED = 0;
    static final int CANCELED = 1;
    static final int PENDING = 2;
    static final Integer TEST_PURCHASE = 0;

    /** A {@code ProductPurchase} as purchases.products.get returns it; {@code purchaseType} only for special ones. */
    static String productPurchase(String productId, int purchaseState, Integer purchaseType) {
        return "{\"kind\":\"androidpublisher#productPurchase\",\"purchaseTimeMillis\":\""
                + Instant.now().toEpochMilli() + "\",\"purchaseState\":" + purchaseState + ",\"consumptionState\":0,"
                + "\"developerPayload\":\"\",\"orderId\":\"GPA.3391-" + (System.nanoTime() % 10_000) + "-2208-47127\","
                + (purchaseType == null ? "" : "\"purchaseType\":" + purchaseType + ",")
                + "\"acknowledgementState\":0,\"productId\":\"" + productId + "\",\"quantity\":1,\"regionCode\":\"TH\"}";
    }

    /** Puts the purchase, as Google Play now has it, into the stand-in. */
    static void atGoogle(String purchaseToken, String productId, String productPurchase) {
        standIn("PUT", purchasePath(purchaseToken, productId), productPurchase);
    }

    /** The purchase's acknowledgementState at Google now. */
    static int acknowledgementState(String purchaseToken, String productId) {
        String purchase = standIn("GET", "/stand-in/purchases" + purchasePath(purchaseToken, productId), null);
        return purchase.contains("\"acknowledgementState\":1") ? 1 : 0;
    }

    /** Google Play's API down (503) or back. */
    static void outage(boolean on) {
        standIn("PUT", "/stand-in/outage", on ? "on" : "off");
    }

    private static String purchasePath(String purchaseToken, String productId) {
        return "/androidpublisher/v3/applications/" + PACKAGE + "/purchases/products/" + productId + "/tokens/"
                + purchaseToken;
    }

    private static String standIn(String method, String path, String body) {
        String api = ConfigProvider.getConfig().getValue("tally.payments.webhooks.google.api-url", String.class);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("the Google Play stand-in answered " + response.statusCode() + " to "
                        + method + " " + path);
            }
            return response.body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String purchased(String purchaseToken, String sku) {
        return oneTimeProduct(1, purchaseToken, sku);
    }

    static String canceled(String purchaseToken, String sku) {
        return oneTimeProduct(2, purchaseToken, sku);
    }

    private static String oneTimeProduct(int notificationType, String purchaseToken, String sku) {
        return notification("\"oneTimeProductNotification\":{\"version\":\"1.0\",\"notificationType\":"
                + notificationType + ",\"purchaseToken\":\"" + purchaseToken + "\",\"sku\":\"" + sku + "\"}");
    }

    static String voided(String purchaseToken) {
        return notification("\"voidedPurchaseNotification\":{\"purchaseToken\":\"" + purchaseToken
                + "\",\"orderId\":\"GPA.1234-5678\",\"productType\":2,\"refundType\":1}");
    }

    private static String notification(String body) {
        return "{\"version\":\"1.0\",\"packageName\":\"" + PACKAGE + "\",\"eventTimeMillis\":\""
                + Instant.now().toEpochMilli() + "\"," + body + "}";
    }

    static Delivery push(String notification) {
        return push(notification, token(AUDIENCE, SERVICE_ACCOUNT, Instant.now().plusSeconds(3600), key()));
    }

    static Delivery push(String notification, String bearer) {
        String data = Base64.getEncoder().encodeToString(notification.getBytes(StandardCharsets.UTF_8));
        String body = "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"publishTime\":\"" + Instant.now() + "\",\"attributes\":{}},"
                + "\"subscription\":\"projects/tally-test/subscriptions/play-rtdn\"}";
        return new Delivery("google", body, Map.of("Authorization", "Bearer " + bearer));
    }

    static String token(String audience, String email, Instant expires, PrivateKey key) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer("https://accounts.google.com");
            claims.setAudience(audience);
            claims.setSubject("1234567890");
            claims.setClaim("email", email);
            claims.setClaim("email_verified", true);
            claims.setIssuedAt(NumericDate.fromSeconds(expires.getEpochSecond() - 3600));
            claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setKeyIdHeaderValue(PaymentsTestKeys.GOOGLE_KEY_ID);
            jws.setKey(key);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey key() {
        try {
            String pem = Files.readString(PaymentsTestKeys.DIR.resolve("google-push.key"))
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
