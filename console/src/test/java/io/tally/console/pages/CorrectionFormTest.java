package io.tally.console.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class CorrectionFormTest {

    private static final String KEY = UUID.randomUUID().toString();

    @Test
    void aWholeAmountAndAReasonPassWithTheirKey() {
        CorrectionForm form = CorrectionForm.read(Correction.ADJUSTMENT, " -20 ", "  duplicate charge ", KEY);
        assertThat(form.errors()).isEmpty();
        assertThat(form.amount()).isEqualTo(-20);
        assertThat(form.reason()).isEqualTo("duplicate charge");
        assertThat(form.key()).isEqualTo(KEY);
    }

    @Test
    void zeroFractionsAndOutOfBoundsAmountsAreRefused() {
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "0", "r", KEY).errors()).singleElement().asString().contains("not be zero");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "1.5", "r", KEY).errors()).singleElement().asString().contains("whole number");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "", "r", KEY).errors()).singleElement().asString().contains("whole number");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "1000000001", "r", KEY).errors()).singleElement().asString().contains("between -1000000000 and 1000000000");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "-1000000000", "r", KEY).errors()).isEmpty();
    }

    @Test
    void aReasonIsRequiredAndBounded() {
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "5", "   ", KEY).errors()).singleElement().asString().contains("reason is required");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "5", null, KEY).errors()).singleElement().asString().contains("reason is required");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "5", "x".repeat(501), KEY).errors()).singleElement().asString().contains("at most 500");
        assertThat(CorrectionForm.read(Correction.ADJUSTMENT, "5", "x".repeat(500), KEY).errors()).isEmpty();
    }

    @Test
    void aFormWithoutItsKeyGoesBackToTheOperatorWithANewOne() {
        CorrectionForm form = CorrectionForm.read(Correction.ADJUSTMENT, "5", "reason", "not-a-uuid");
        assertThat(form.errors()).singleElement().asString().contains("lost its key");
        assertThat(UUID.fromString(form.key()).toString()).isNotEqualTo("not-a-uuid");
    }

    @Test
    void debtIsOnlyEverForgivenNeverAdded() {
        assertThat(CorrectionForm.read(Correction.DEBT_FORGIVENESS, "30", "clawback in error", KEY).errors()).isEmpty();
        assertThat(CorrectionForm.read(Correction.DEBT_FORGIVENESS, "-30", "r", KEY).errors()).singleElement().asString()
                .contains("positive");
        assertThat(CorrectionForm.read(Correction.DEBT_FORGIVENESS, "0", "r", KEY).errors()).singleElement().asString()
                .contains("positive");
        assertThat(CorrectionForm.read(Correction.DEBT_FORGIVENESS, "1000000001", "r", KEY).errors()).singleElement()
                .asString().contains("between 1 and 1000000000");
    }
}
