package io.tally.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * gateway/templates/tally.conf.template read the way the nginx image's envsubst reads it: the ${VARIABLES} it needs,
 * and the routes it declares (path prefix → service), which the Kubernetes Ingresses must repeat.
 */
public final class GatewayTemplate {

    public static final Path FILE = RepositoryRoot.resolve("gateway/templates/tally.conf.template");
    public static final Path LOCAL_MAIN_CONFIG = RepositoryRoot.resolve("gateway/nginx-local.conf");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
    private static final Pattern ROUTE = Pattern.compile(
            "location ~ \\^/([a-z]+)\\(/\\|\\$\\) \\{.*?proxy_pass http://tally_([a-z]+);", Pattern.DOTALL);

    private final String text;

    private GatewayTemplate(String text) {
        this.text = text;
    }

    public static GatewayTemplate read() {
        try {
            return new GatewayTemplate(Files.readString(FILE));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + FILE, e);
        }
    }

    /** Only the lines nginx reads: comments may mention variables for the reader's sake. */
    private String configuration() {
        return text.lines().filter(line -> !line.strip().startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }

    public Set<String> variables() {
        Set<String> names = new TreeSet<>();
        Matcher matcher = VARIABLE.matcher(configuration());
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** First path segment → service name (credits, jobs, payments, presence). */
    public Map<String, String> routes() {
        Map<String, String> routes = new TreeMap<>();
        Matcher matcher = ROUTE.matcher(configuration());
        while (matcher.find()) {
            routes.put("/" + matcher.group(1), matcher.group(2));
        }
        return routes;
    }

    /** Substitutes the given variables, as envsubst does; a variable left unset fails here rather than in nginx. */
    public String render(Map<String, String> values) {
        Set<String> missing = new TreeSet<>(variables());
        missing.removeAll(values.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("gateway template variables without a value: " + missing);
        }
        String rendered = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            rendered = rendered.replace("${" + value.getKey() + "}", value.getValue());
        }
        return rendered;
    }
}
