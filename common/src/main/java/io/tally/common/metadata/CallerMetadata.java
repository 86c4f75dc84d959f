package io.tally.common.metadata;

import io.tally.common.problem.ProblemException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A caller's own labels on a job, charge or hold (an order id, a project, a campaign): a small JSON object of string
 * values, stored and returned as given and carried in the events about it, never interpreted. The limits follow
 * Stripe's metadata, smaller: at most 20 keys of 1–40 characters, values of up to 500, no control characters.
 */
public final class CallerMetadata {

    public static final int MAX_KEYS = 20;
    public static final int MAX_KEY_LENGTH = 40;
    public static final int MAX_VALUE_LENGTH = 500;

    private CallerMetadata() {
    }

    /**
     * The request's metadata, checked and in key order (so a retry that lists the keys in another order is the same
     * request); null or an empty object is none (null). Anything outside the limits is a 400 naming the rule.
     */
    public static SortedMap<String, String> checked(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        if (metadata.size() > MAX_KEYS) {
            throw ProblemException.invalidField("metadata", "has " + metadata.size() + " keys; at most " + MAX_KEYS);
        }
        SortedMap<String, String> sorted = new TreeMap<>();
        metadata.forEach((key, value) -> {
            if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH || hasControlCharacters(key)) {
                throw ProblemException.invalidField("metadata", "keys must be 1–" + MAX_KEY_LENGTH
                        + " characters without control characters");
            }
            if (value == null || value.length() > MAX_VALUE_LENGTH || hasControlCharacters(value)) {
                throw ProblemException.invalidField("metadata." + key, "must be a string of at most "
                        + MAX_VALUE_LENGTH + " characters without control characters");
            }
            sorted.put(key, value);
        });
        return Collections.unmodifiableSortedMap(sorted);
    }

    private static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(c -> Character.isISOControl(c));
    }
}
