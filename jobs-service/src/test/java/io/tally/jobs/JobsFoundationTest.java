package io.tally.jobs;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.ServiceFoundationContract;

@QuarkusTest
class JobsFoundationTest extends ServiceFoundationContract {
}
