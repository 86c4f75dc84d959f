package io.tally.console.services;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One section of a page: what a service answered, or why it could not. A page is built from several services; one
 * that is down or has nothing for this user empties its own section, not the whole page.
 */
public record Fetched<T>(T value, boolean missing, String problem) {

    private static final Logger LOG = Logger.getLogger(Fetched.class);

    public static <T> Fetched<T> of(String what, Supplier<T> call) {
        try {
            return new Fetched<>(call.get(), false, null);
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 404) {
                return new Fetched<>(null, true, null);
            }
            LOG.warnf("%s: the service answered %d", what, status);
            return new Fetched<>(null, false, what + ": the service answered " + status);
        } catch (ProcessingException e) {
            LOG.warnf("%s: the service is not reachable: %s", what, e.getMessage());
            return new Fetched<>(null, false, what + ": the service is not reachable");
        }
    }

    public boolean ok() {
        return value != null;
    }
}
