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
 */
public record TimeIdCursor(OffsetDateTime createdAt, UUID id) {

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant());
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + "_" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static TimeIdCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
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
