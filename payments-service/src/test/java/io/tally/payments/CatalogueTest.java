package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.tally.common.testing.TestTokens;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The package catalogue: the demo packages, admin changes, and what can never be deleted. */
@QuarkusTest
class CatalogueTest {

    private static RequestSpecification admin() {
        return given().header("Authorization", TestTokens.bearer("catalogue-admin", "admin")).contentType(ContentType.JSON);
    }

    private static Map<String, Object> packageBody(String code, long credits, long priceMinor) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("name", "Test " + credits);
        body.put("credits", credits);
        body.put("priceMinor", priceMinor);
        body.put("currency", "THB");
        return body;
    }

    @Test
    void theDemoCatalogueIsPublic() {
        given().when().get("/payments/packages").then().statusCode(200)
                .body("packages.find { it.code == 'thb-popular' }.credits", equalTo(10))
                .body("packages.find { it.code == 'thb-popular' }.priceMinor", equalTo(29900))
                .body("packages.find { it.code == 'thb-popular' }.discountPercent", equalTo(10))
                .body("packages.find { it.code == 'thb-trial' }.priceMinor", equalTo(0))
                .body("packages.find { it.code == 'usd-enterprise' }.credits", equalTo(5000))
                .body("packages.find { it.code == 'usd-enterprise' }.priceMinor", equalTo(29999));
    }

    @Test
    void anAdminCreatesUpdatesAndDeactivatesAPackage() {
        String code = "test-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(packageBody(code, 7, 150_00)).when().post("/payments/admin/packages").then().statusCode(201);
        admin().body(packageBody(code, 7, 150_00)).when().post("/payments/admin/packages").then().statusCode(409);

        Map<String, Object> changed = packageBody(null, 8, 150_00);
        changed.put("bonusCredits", 2);
        admin().body(changed).when().put("/payments/admin/packages/" + code).then().statusCode(200)
                .body("credits", equalTo(8)).body("bonusCredits", equalTo(2));
        given().when().get("/payments/packages").then().body("packages.code", hasItem(code));

        admin().when().post("/payments/admin/packages/" + code + "/deactivate").then().statusCode(200)
                .body("active", equalTo(false));
        given().when().get("/payments/packages").then().body("packages.code", not(hasItem(code)));
    }

    @Test
    void onlyAPackageThatWasNeverSoldCanBeDeleted() {
        String unsold = "test-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(packageBody(unsold, 3, 10_00)).when().post("/payments/admin/packages").then().statusCode(201);
        admin().when().delete("/payments/admin/packages/" + unsold).then().statusCode(204);

        String sold = "test-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(packageBody(sold, 3, 10_00)).when().post("/payments/admin/packages").then().statusCode(201);
        PaymentsApi.pending(PaymentsApi.newUser("buyer"), sold, "stripe");
        admin().when().delete("/payments/admin/packages/" + sold).then().statusCode(409)
                .body("type", equalTo("https://tally.dev/problems/package-sold"));
    }

    @Test
    void invalidPackagesAndNonAdminsAreRefused() {
        Map<String, Object> negative = packageBody("test-bad", -1, 10_00);
        negative.put("currency", "baht");
        admin().body(negative).when().post("/payments/admin/packages").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItems("credits", "currency"));
        given().header("Authorization", TestTokens.bearer("someone", "user")).contentType(ContentType.JSON)
                .body(packageBody("test-user", 1, 1)).when().post("/payments/admin/packages").then().statusCode(403);
    }
}
