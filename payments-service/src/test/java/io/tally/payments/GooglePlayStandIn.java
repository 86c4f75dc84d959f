package io.tally.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Google's side of a Play purchase for the tests, which cannot reach Google: the OAuth 2.0 token endpoint a service
 * account trades its signed JWT at, and the Play Developer API's {@code purchases.products.get} and
 * {@code purchases.products.acknowledge}, answering as Google documents them — the {@code ProductPurchase} resource;
 * {@code 401 UNAUTHENTICATED} without an access token it issued; {@code 400 Invalid Value} for a token it does not
 * know for that package and product; {@code 503 UNAVAILABLE} during an outage.
 *
 * <p>It makes the service account (target/payments-test-keys/google-play-service-account.json, a key file like the
 * one Google Cloud hands out) and checks every assertion against its public key. Tests put purchases there with
 * {@code PUT} on the purchase's own path, read one back from {@code /stand-in/purchases/…}, and start or end an
 * outage with {@code PUT /stand-in/outage}.
 */
public class GooglePlayStandIn implements QuarkusTestResourceLifecycleManager {

    static final String CLIENT_EMAIL = "tally-play@tally-test.iam.gserviceaccount.com";
    private static final String PURCHASES = "/androidpublisher/v3/applications/";
    private static final String SCOPE = "https://www.googleapis.com/auth/androidpublisher";

    private final Map<String, String> purchases = new ConcurrentHashMap<>();
    private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
    private volatile boolean outage;
    private HttpServer server;
    private JwtConsumer assertions;

    @Override
    public Map<String, String> start() {
        server = StandIns.loopback("Google Play");
        String base = StandIns.baseUrl(server);
        Path keyFile = writeServiceAccount(base + "/token");
        server.createContext("/token", this::token);
        server.createContext(PURCHASES, this::purchases);
        server.createContext("/stand-in/", this::standIn);
        server.start();
        return Map.of("tally.payments.webhooks.google.service-account-key", keyFile.toAbsolutePath().toString(),
                "tally.payments.webhooks.google.api-url", base);
    }

    @Override
    public void stop() {
        StandIns.stop(server);
    }

    private Path writeServiceAccount(String tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            assertions = new JwtConsumerBuilder()
                    .setVerificationKey(pair.getPublic())
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setExpectedIssuer(CLIENT_EMAIL)
                    .setExpectedAudience(tokenUri)
                    .setRequireIssuedAt()
                    .setRequireExpirationTime()
                    .setMaxFutureValidityInMinutes(60)
                    .build();
            // As in Google's key files: the PEM inside a JSON string, its line breaks escaped.
            String pem = "-----BEGIN PRIVATE KEY-----\\n" + Base64.getEncoder().encodeToString(pair.getPrivate()
                    .getEncoded()) + "\\n-----END PRIVATE KEY-----\\n";
            String key = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"tally-test\",\n"
                    + "  \"private_key_id\": \"" + UUID.randomUUID().toString().replace("-", "") + "\",\n"
                    + "  \"private_key\": \"" + pem + "\",\n  \"client_email\": \"" + CLIENT_EMAIL + "\",\n"
                    + "  \"client_id\": \"104857600000000000000\",\n"
                    + "  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n"
                    + "  \"token_uri\": \"" + tokenUri + "\"\n}\n";
            Path file = PaymentsTestKeys.DIR.resolve("google-play-service-account.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, key);
            return file;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot write the Google Play service account", e);
        }
    }

    /** OAuth 2.0 for server-to-server applications: a JWT bearer assertion for an access token. */
    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
                StandIns.respond(exchange, 400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid grant_type: "
                        + form.get("grant_type") + "\"}");
                return;
            }
            try {
                JwtClaims claims = assertions.processToClaims(form.getOrDefault("assertion", ""));
                if (!SCOPE.equals(claims.getStringClaimValue("scope"))) {
                    StandIns.respond(exchange, 400, "{\"error\":\"invalid_scope\",\"error_description\":\"Invalid OAuth scope\"}");
                    return;
                }
            } catch (Exception e) {
                StandIns.respond(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
                return;
            }
            String accessToken = "ya29.test-" + UUID.randomUUID();
            accessTokens.add(accessToken);
            StandIns.respond(exchange, 200, "{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        }
    }

    private void purchases(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean acknowledge = path.endsWith(":acknowledge");
            String purchase = acknowledge ? path.substring(0, path.length() - ":acknowledge".length()) : path;
            if (exchange.getRequestMethod().equals("PUT")) {
                purchases.put(purchase, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                StandIns.respond(exchange, 204, null);
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !accessTokens.contains(authorization.replaceFirst("^Bearer ", ""))) {
                StandIns.respond(exchange, 401, error(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                        + "access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED"));
            } else if (outage) {
                StandIns.respond(exchange, 503, error(503, "The service is currently unavailable.", "UNAVAILABLE"));
            } else if (!purchases.containsKey(purchase)) {
                StandIns.respond(exchange, 400, "{\"error\":{\"code\":400,\"message\":\"Invalid Value\",\"errors\":[{\"message\":"
                        + "\"Invalid Value\",\"domain\":\"global\",\"reason\":\"invalid\"}],\"status\":\"INVALID_ARGUMENT\"}}");
            } else if (acknowledge && exchange.getRequestMethod().equals("POST")) {
                purchases.computeIfPresent(purchase, (ignored, json) -> json.replace("\"acknowledgementState\":0",
                        "\"acknowledgementState\":1"));
                StandIns.respond(exchange, 200, null);
            } else {
                StandIns.respond(exchange, 200, purchases.get(purchase));
            }
        }
    }

    /** The tests' own door: a purchase as the stand-in has it now, and outages. */
    private void standIn(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/stand-in/outage")) {
                outage = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).equals("on");
                StandIns.respond(exchange, 204, null);
                return;
            }
            String purchase = purchases.get(path.substring("/stand-in/purchases".length()));
            StandIns.respond(exchange, purchase == null ? 404 : 200, purchase);
        }
    }

    private static String error(int code, String message, String status) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\"}}";
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2)).filter(pair -> pair.length == 2)
                .collect(Collectors.toMap(pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8), (first, second) -> first));
    }
}
