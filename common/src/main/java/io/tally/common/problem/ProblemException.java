package io.tally.common.problem;

import java.util.Map;

/**
 * A refusal the client should see: services throw (or fail a Uni with) one of these and the mapper turns it
 * into problem+json. Subclasses name domain refusals (insufficient credits, illegal transition…).
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "bad-request", "Bad request", detail));
    }

    /** A 400 naming one invalid field, shaped like the bean-validation problems (an "errors" list). */
    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(Problem.of(400, "validation", "Invalid request", "The request has invalid fields")
                .with("errors", java.util.List.of(Map.of("field", field, "message", message))));
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", what + " was not found"));
    }

    public static ProblemException conflict(String slug, String detail) {
        return new ProblemException(Problem.of(409, slug, "Conflict", detail));
    }

    public static ProblemException unprocessable(String slug, String title, String detail) {
        return new ProblemException(Problem.of(422, slug, title, detail));
    }
}
