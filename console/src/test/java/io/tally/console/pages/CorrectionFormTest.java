package io.tally.console.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AdjustmentFormTest {

    private static final String KEY = UUID.randomUUID().toString();

    @Test
    void aWholeAmountAndAReasonPassWithTheirKey() {
        AdjustmentForm form = AdjustmentForm.read(" -20 ", "  duplicate charge ", KEY);
        assertThat(form.errors()).isEmpty();
        assertThat(form.amount()).isEqualTo(-20);
        assertThat(form.reason()).isEqualTo("duplicate charge");
        assertThat(form.key()).isEqualTo(KEY);
    }

    @Test
    void zeroFractionsAndOutOfBoundsAmountsAreRefused() {
        assertThat(AdjustmentForm.read("0", "r", KEY).errors()).singleElement().asString().contains("not be zero");
        assertThat(AdjustmentForm.read("1.5", "r", KEY).errors()).singleElement().asString().contains("whole number");
        assertThat(AdjustmentForm.read("", "r", KEY).errors()).singleElement().asString().contains("whole number");
        assertThat(AdjustmentForm.read("1000000001", "r", KEY).errors()).singleElement().asString().contains("between");
        assertThat(AdjustmentForm.read("-1000000000", "r", KEY).errors()).isEmpty();
    }

    @Test
    void aReasonIsRequiredAndBounded() {
        assertThat(AdjustmentForm.read("5", "   ", KEY).errors()).singleElement().asString().contains("reason is required");
        assertThat(AdjustmentForm.read("5", null, KEY).errors()).singleElement().asString().contains("reason is required");
        assertThat(AdjustmentForm.read("5", "x".repeat(501), KEY).errors()).singleElement().asString().contains("at most 500");
        assertThat(AdjustmentForm.read("5", "x".repeat(500), KEY).errors()).isEmpty();
    }

    @Test
    void aFormWithoutItsKeyGoesBackToTheOperatorWithANewOne() {
        AdjustmentForm form = AdjustmentForm.read("5", "reason", "not-a-uuid");
        assertThat(form.errors()).singleElement().asString().contains("lost its key");
        assertThat(UUID.fromString(form.key()).toString()).isNotEqualTo("not-a-uuid");
    }
}
