package io.tally.console;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

/** Where the console lives: every page is under {@link #ROOT} (quarkus.http.root-path), which the gateway routes. */
public final class Console {

    public static final String ROOT = "/console";

    private Console() {
    }

    /**
     * 303 See Other to a console page, e.g. ("/users/{userId}", "u-1", "notice", "Adjusted by 5"). The path is the
     * page's own, without {@link #ROOT}: Jakarta REST resolves a redirect's path against the application's base,
     * which the root path is part of.
     */
    public static Response redirect(String path, String pathValue, String queryName, String queryValue) {
        UriBuilder uri = UriBuilder.fromPath(path);
        if (queryName != null) {
            uri.queryParam(queryName, "{q}");
            return Response.seeOther(uri.build(pathValue, queryValue)).build();
        }
        return Response.seeOther(uri.build(pathValue)).build();
    }
}
