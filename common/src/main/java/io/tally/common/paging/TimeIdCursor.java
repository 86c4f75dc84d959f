package io.tally.common.paging;

import io.tally.common.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Keyset position in a newest-first list: the last item's creation time and id, opaque to clients. The query
 * continues with {@code (created_at, id) < ($time, $id)}.
 *
 * <p>A request without a cursor starts at {@link #START}, so one statement serves every page with the comparison
 * always in it. Written {@code $time IS NULL OR (created_at, id) < …} instead, a generic plan of the prepared
 * statement can only filter on it, and each page reads the list from its newest row down to the cursor.
 */
public record TimeIdCursor(OffsetDateTime createdAt, UUID id) {

    /** The position before a list's first page: later than any row's time, the greatest id. */
    public static final TimeIdCursor START =
            new TimeIdCursor(OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), new UUID(-1L, -1L));

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant());
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + "_" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The position a page starts after: the previous page's {@code nextCursor}, or {@link #START} without one. */
    public static TimeIdCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return START;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("_", 2);
            Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
            return new TimeIdCursor(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("cursor must be the nextCursor of a previous page");
        }
    }
}
