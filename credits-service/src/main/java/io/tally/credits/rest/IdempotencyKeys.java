package io.tally.credits.rest;

import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import java.util.regex.Pattern;

/**
 * Gifts and adjustments use the caller's Idempotency-Key as part of their ledger key
 * (gift:{sender}:{key}): the ledger's unique key is the idempotency store, so key and effect are one row.
 */
final class IdempotencyKeys {

    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private IdempotencyKeys() {
    }

    static String require(String key) {
        if (key == null || key.isBlank()) {
            throw new ProblemException(Problem.of(400, "idempotency-key-missing", "Idempotency-Key required",
                    "Send an Idempotency-Key header (1-200 printable characters, e.g. a UUID) with this request"));
        }
        if (!VALID.matcher(key).matches()) {
            throw new ProblemException(Problem.of(400, "idempotency-key-invalid", "Invalid Idempotency-Key",
                    "An Idempotency-Key is 1-200 printable ASCII characters without spaces"));
        }
        return key;
    }
}
