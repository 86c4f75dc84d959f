package io.tally.payments;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.ServiceFoundationContract;

@QuarkusTest
class PaymentsFoundationTest extends ServiceFoundationContract {
}
