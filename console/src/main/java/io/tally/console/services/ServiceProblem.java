package io.tally.console.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * A service's 4xx answer as an exception that carries its problem+json detail, so a page can tell the operator why
 * (e.g. "the adjustment would make the balance negative") instead of a bare status. 5xx answers keep the client's
 * default exception.
 */
public class ServiceProblem implements ResponseExceptionMapper<ServiceProblem.Refused> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A refusal: the HTTP status and the problem's detail (or title). */
    public static class Refused extends WebApplicationException {
        public Refused(int status, String detail) {
            super(detail, status);
        }

        public int status() {
            return getResponse().getStatus();
        }
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 400 && status < 500;
    }

    @Override
    public Refused toThrowable(Response response) {
        int status = response.getStatus();
        return new Refused(status, detailOf(response).orElse("The service refused the request (" + status + ")"));
    }

    /** The problem's detail (or title) in a service's answer, 5xx included; empty when it sent none. */
    public static Optional<String> detailOf(Response response) {
        try {
            JsonNode problem = JSON.readTree(response.readEntity(String.class));
            if (problem.hasNonNull("detail")) {
                return Optional.of(problem.get("detail").asText());
            }
            return problem.hasNonNull("title") ? Optional.of(problem.get("title").asText()) : Optional.empty();
        } catch (RuntimeException | java.io.IOException notProblemJson) {
            return Optional.empty();   // the status says enough
        }
    }
}
