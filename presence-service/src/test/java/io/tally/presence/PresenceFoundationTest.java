package io.tally.presence;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.ServiceFoundationContract;

@QuarkusTest
class PresenceFoundationTest extends ServiceFoundationContract {
}
