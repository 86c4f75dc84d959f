package io.tally.bench.scenarios;

import io.tally.bench.Http;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Opens and funds bench accounts through credits' admin API, so no operation is refused for lack of credits. */
final class CreditsFunding {

    private CreditsFunding() {
    }

    static void fund(Http http, String creditsUrl, String adminToken, List<String> users, long amountEach) {
        Http.inWaves(users, 64, user -> http.post(creditsUrl + "/credits/adjustments", adminToken, "fund-" + user,
                new JsonObject().put("userId", user).put("amount", amountEach).put("reason", "bench funding")));
        System.out.printf("funded %d account(s)%n", users.size());
    }
}
