package io.tally.credits.ledger;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A hold's row in {@code holds} as a batch leaves it: just placed ({@code held}) or settled. */
record HoldRow(UUID id, String userId, long amount, String reference, String status, long captured,
               OffsetDateTime expiresAt, OffsetDateTime settledAt) {

    static final String HELD = "held";
    static final String CAPTURED = "captured";
    static final String VOIDED = "voided";
    static final String EXPIRED = "expired";
}
