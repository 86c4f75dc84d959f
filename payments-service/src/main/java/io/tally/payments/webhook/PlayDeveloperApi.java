package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.jboss.logging.Logger;

/**
 * The two calls of Google Play's Developer API a one-time purchase needs: {@code purchases.products.get} (what Google
 * says the purchase is) and {@code purchases.products.acknowledge} (without which Google refunds it after three days).
 * Authenticated as the configured service account: a JWT it signs is traded for an access token at its
 * {@code token_uri} (OAuth 2.0 for server-to-server applications), kept until five minutes before it expires.
 *
 * <p>Blocking (the verifier runs on a worker thread). Google unreachable, refusing Tally's credentials or failing
 * answers the push 503 ({@link ProviderApi}), and Pub/Sub pushes it again later; a token Google does not know for
 * the product is a refusal.
 */
@Singleton
public class PlayDeveloperApi {

    static final String SCOPE = "https://www.googleapis.com/auth/androidpublisher";
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(PlayDeveloperApi.class);

    private final PaymentsConfig.Google config;
    private final GoogleServiceAccount account;
    private final HttpClient http;
    private final Clock clock = Clock.systemUTC();
    private AccessToken token;

    public PlayDeveloperApi(PaymentsConfig config) {
        this.config = config.webhooks().google();
        this.account = this.config.serviceAccountKey().filter(key -> !key.isBlank())
                .map(GoogleServiceAccount::read).orElse(null);
        this.http = HttpClient.newBuilder().connectTimeout(this.config.apiTimeout()).build();
    }

    /** The purchase as Google Play has it now: a {@code ProductPurchase} resource. */
    public JsonNode productPurchase(String packageName, String productId, String purchaseToken) {
        HttpResponse<String> response = call(HttpRequest.newBuilder(purchaseUri(packageName, productId, purchaseToken, ""))
                .GET());
        if (response.statusCode() == 400 || response.statusCode() == 404 || response.statusCode() == 410) {
            throw WebhookRejected.malformed("Google Play knows no purchase of " + productId + " with this token ("
                    + response.statusCode() + " " + googleError(response.body()) + ")");
        }
        requireSuccess(response, "purchase of " + productId);
        JsonNode purchase = WebhookJson.parse(response.body());
        if (!"androidpublisher#productPurchase".equals(WebhookJson.optionalText(purchase, "/kind"))) {
            throw ProviderApi.unavailable("Google Play answered something other than a product purchase");
        }
        return purchase;
    }

    /** Tells Google the purchase was delivered, so it is not refunded after three days. */
    public void acknowledge(String packageName, String productId, String purchaseToken) {
        HttpResponse<String> response = call(HttpRequest.newBuilder(
                        purchaseUri(packageName, productId, purchaseToken, ":acknowledge"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        requireSuccess(response, "acknowledgement of " + productId);
    }

    private URI purchaseUri(String packageName, String productId, String purchaseToken, String method) {
        return URI.create(config.apiUrl().replaceAll("/+$", "") + "/androidpublisher/v3/applications/"
                + encode(packageName) + "/purchases/products/" + encode(productId) + "/tokens/"
                + encode(purchaseToken) + method);
    }

    private HttpResponse<String> call(HttpRequest.Builder request) {
        HttpResponse<String> response = ProviderApi.send(http, request.timeout(config.apiTimeout())
                .header("Authorization", "Bearer " + accessToken())
                .header("Accept", "application/json").build(), "Google Play");
        if (response.statusCode() == 401) {
            forgetToken(); // revoked or expired early: the next delivery asks for a new one
        }
        return response;
    }

    private void requireSuccess(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                LOG.errorf("Google Play refused service account %s (%d): give it access to the app in Play Console",
                        account.clientEmail(), response.statusCode());
            }
            throw ProviderApi.unavailable("Google Play answered " + response.statusCode() + " for the " + what + ": "
                    + googleError(response.body()));
        }
    }

    private synchronized String accessToken() {
        if (account == null) {
            throw ProviderApi.unavailable("TALLY_GOOGLE_SERVICE_ACCOUNT_KEY is not set: purchases cannot be confirmed "
                    + "with Google Play");
        }
        Instant now = clock.instant();
        if (token == null || now.isAfter(token.expiresAt().minus(TOKEN_MARGIN))) {
            token = requestToken(now);
        }
        return token.value();
    }

    private synchronized void forgetToken() {
        token = null;
    }

    private AccessToken requestToken(Instant now) {
        String form = "grant_type=" + encode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion="
                + encode(assertion(now));
        HttpResponse<String> response = ProviderApi.send(http, HttpRequest.newBuilder(URI.create(account.tokenUri()))
                .timeout(config.apiTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), "Google's token");
        if (response.statusCode() != 200) {
            LOG.errorf("Google refused an access token to service account %s: %d %s", account.clientEmail(),
                    response.statusCode(), response.body());
            throw ProviderApi.unavailable("Google refused an access token to the service account ("
                    + response.statusCode() + ")");
        }
        JsonNode answer = WebhookJson.parse(response.body());
        String value = WebhookJson.optionalToken(answer, "/access_token");
        Long expiresIn = WebhookJson.optionalLong(answer, "/expires_in");
        if (value == null || expiresIn == null) {
            throw ProviderApi.unavailable("Google's token endpoint answered without an access token");
        }
        return new AccessToken(value, now.plusSeconds(expiresIn));
    }

    /** The service account's signed request for a token: for the Play Developer API, valid one hour. */
    private String assertion(Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(account.clientEmail());
        claims.setAudience(account.tokenUri());
        claims.setClaim("scope", SCOPE);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.getEpochSecond() + 3600));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(account.privateKeyId());
        jws.setHeader("typ", "JWT");
        jws.setKey(account.privateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign with the Google service account's key", e);
        }
    }

    /** Google's error object: {@code {"error": {"code", "message", "status"}}}. */
    private static String googleError(String body) {
        return ProviderApi.errorOf(body, "/error/status", "/error/message", "Google");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private record AccessToken(String value, Instant expiresAt) {
    }
}
