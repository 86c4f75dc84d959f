package io.tally.console;

import io.quarkus.qute.TemplateExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the pages write times and amounts: UTC to the second, and credits with their sign and thousands. */
@TemplateExtension
public final class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

    private Formats() {
    }

    /** {@code {job.createdAt.utc}} */
    static String utc(OffsetDateTime time) {
        return time == null ? "" : time.atZoneSameInstant(ZoneOffset.UTC).format(TIME);
    }

    /** {@code {entry.amount.signed}}: +1,200 or -50 */
    static String signed(long amount) {
        return (amount > 0 ? "+" : "") + String.format(Locale.ROOT, "%,d", amount);
    }

    /** {@code {account.balance.credits}}: 1,200 */
    static String credits(long amount) {
        return String.format(Locale.ROOT, "%,d", amount);
    }

    /** {@code {userId.urlPath}}: one path segment, '/' and all percent-encoded */
    static String urlPath(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code {cursor.urlQuery}}: a query parameter's value */
    static String urlQuery(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code {sample.count}}: a metric's value as a whole number, 1,024 */
    static String count(Double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /** {@code {seconds.duration}}: 3.2 s, 4 min 10 s, 2 h 5 min (a null is left to the template's {@code ?:}) */
    static String duration(Double seconds) {
        long whole = Math.round(seconds);
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (whole < 3600) {
            return (whole / 60) + " min " + (whole % 60) + " s";
        }
        return (whole / 3600) + " h " + (whole % 3600 / 60) + " min";
    }
}
