package io.tally.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.tally.common.db.GroupCommit;
import io.tally.common.db.TransientFailures;
import io.tally.common.json.StrictJson;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.tally.common.http.RequestIds;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves a service as problem+json with a stable type. Unexpected exceptions are logged with an
 * id the client also sees; no stack trace or exception message reaches the client.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = e.problem().atInstance(path(uri)).toResponseBuilder();
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> Map.of("field", fieldOf(v), "message", v.getMessage()))
                .collect(Collectors.toList());
        return Problem.of(400, "validation", "Invalid request", "The request has invalid fields")
                .with("errors", errors).atInstance(path(uri)).toResponse();
    }

    @ServerExceptionMapper(priority = 1)
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        Problem problem = Problem.of(400, "malformed-body", "Malformed request body", describe(e));
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            problem = problem.with("errors", List.of(Map.of("field", jsonPath(mapping), "message", describe(e))));
        }
        return problem.atInstance(path(uri)).toResponse();
    }

    /** Quarkus REST ships its own mapper for this subtype; naming it here makes ours win. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return Problem.of(403, "forbidden", "Forbidden", "Your role does not allow this operation")
                .atInstance(path(uri)).toResponse();
    }

    @ServerExceptionMapper(priority = 2)
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Request refused" : known.getReasonPhrase();
        String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
        Response.ResponseBuilder builder = Problem.of(status, slug, title, safeDetail(status))
                .atInstance(path(uri)).toResponseBuilder();
        copyHeader(e.getResponse(), builder, HttpHeaders.ALLOW);
        return builder.build();
    }

    @ServerExceptionMapper(priority = 10)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (e instanceof ProblemException problem) {
            return problem(problem, uri);
        }
        Problem problem = problemOf(e, path(uri)).atInstance(path(uri));
        Response.ResponseBuilder builder = problem.toResponseBuilder();
        String retryAfter = RETRY_AFTER_SECONDS.get(problem.type());
        return (retryAfter == null ? builder : builder.header(HttpHeaders.RETRY_AFTER, retryAfter)).build();
    }

    /** How long a client should wait before it retries, by problem type. */
    private static final Map<String, String> RETRY_AFTER_SECONDS = Map.of(
            Problem.TYPE_PREFIX + "overloaded", "1",
            Problem.TYPE_PREFIX + "database-unavailable", "2");

    /**
     * The problem a failure stands for, logged as an error answer logs it: a refusal's own problem, a 503 for an
     * overload or a database that is away (nothing changed, retry), otherwise a 500 with an error id. Also for
     * answers that carry one problem per item of a request ({@code path} is only for the log).
     */
    public static Problem problemOf(Throwable e, String path) {
        if (e instanceof ProblemException problem) {
            return problem.problem();
        }
        if (e instanceof GroupCommit.Overloaded) {
            return Problem.of(503, "overloaded", "Too busy right now",
                    "More requests are waiting for the database than it can serve soon; nothing changed. "
                            + "Retry the request.");
        }
        String errorId = UUID.randomUUID().toString();
        if (TransientFailures.is(e)) {
            // The database is away, overloaded or failing over, or a lock was held too long: nothing was written,
            // and the same request will succeed shortly.
            LOG.warnf("Database unavailable for %s (error id %s): %s", path, errorId, TransientFailures.describe(e));
            return Problem.of(503, "database-unavailable", "Try again shortly",
                            "The service could not reach its database in time; nothing changed. Retry the request.")
                    .with("errorId", errorId);
        }
        LOG.errorf(e, "Unexpected error %s on %s", errorId, path);
        Problem problem = Problem.of(500, "internal", "Internal error",
                        "Something went wrong on our side; quote error id " + errorId + " when reporting it")
                .with("errorId", errorId);
        String requestId = RequestIds.current();
        return requestId == null ? problem : problem.with("requestId", requestId);
    }

    private static Response unauthorized(UriInfo uri) {
        return Problem.of(401, "unauthorized", "Unauthorized", "A valid bearer token is required")
                .atInstance(path(uri)).toResponseBuilder()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    private static String safeDetail(int status) {
        return switch (status) {
            case 404 -> "No such resource";
            case 405 -> "This method is not allowed on this resource";
            case 406 -> "This resource answers application/json only";
            case 413 -> "The request body is too large";
            case 415 -> "Send the body as application/json";
            default -> "The request was refused";
        };
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "Unknown field '" + unknown.getPropertyName() + "'";
        }
        if (e instanceof InvalidFormatException invalid && invalid.getValue() instanceof String text
                && StrictJson.unstorable(text) != null) {
            return StrictJson.unstorable(text);
        }
        if (e instanceof InvalidFormatException invalid) {
            return "Value has the wrong type; expected " + invalid.getTargetType().getSimpleName();
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return "Value has the wrong type; expected " + mismatched.getTargetType().getSimpleName();
        }
        if (e instanceof JsonMappingException) {
            return "The body does not match the expected shape";
        }
        return "The body is not valid JSON";
    }

    private static String jsonPath(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // "create.request.amount" → "amount": the method and parameter names mean nothing to a client.
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length))
                : parts[parts.length - 1];
    }

    private static void copyHeader(Response from, Response.ResponseBuilder to, String name) {
        Object value = from.getHeaders().getFirst(name);
        if (value != null) {
            to.header(name, value);
        }
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }
}
