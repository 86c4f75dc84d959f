package io.tally.common.idempotency;

/** What an idempotent request answered the first time: replayed verbatim for the same key and body. */
public record StoredResponse(int status, Object body) {
}
