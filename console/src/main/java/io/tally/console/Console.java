package io.tally.console;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

/**
 * Redirects between the console's pages. The console lives under /console (quarkus.http.root-path), the path the
 * gateway routes to it.
 */
public final class Console {

    private Console() {
    }

    /** 303 See Other to the start page. */
    public static Response toStart() {
        return Response.seeOther(UriBuilder.fromPath("/").build()).build();
    }

    /**
     * 303 See Other to a console page, e.g. ("/users/{userId}", "u-1", "notice", "Adjusted by 5"). The path is the
     * page's own, without /console: Jakarta REST resolves a redirect's path against the application's base, which
     * the root path is part of.
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
