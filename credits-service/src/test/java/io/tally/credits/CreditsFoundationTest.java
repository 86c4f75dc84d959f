package io.tally.credits;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.ServiceFoundationContract;

@QuarkusTest
class CreditsFoundationTest extends ServiceFoundationContract {
}
