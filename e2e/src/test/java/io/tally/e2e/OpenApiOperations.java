package io.tally.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Every operation a service's OpenAPI document declares (GET /q/openapi?format=json), so a new endpoint is swept
 * for bad input the day it is added.
 */
record OpenApiOperations(String service, List<Operation> operations) {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    record Parameter(String name, String in, String type, String format) {
    }

    record Operation(String service, String method, String pathTemplate, List<Parameter> parameters,
                     JsonNode bodySchema, Set<String> requiredFields) {

        boolean hasBody() {
            return bodySchema != null;
        }

        /** The path with each path parameter replaced by {@code value} (a well-formed one when null). */
        String path(String value) {
            String path = pathTemplate;
            for (Parameter parameter : parameters) {
                if (parameter.in().equals("path")) {
                    String replacement = value != null ? value
                            : "uuid".equals(parameter.format()) ? UUID.randomUUID().toString() : "e2e-probe";
                    path = path.replace("{" + parameter.name() + "}", replacement);
                }
            }
            return path;
        }

        boolean hasPathParameters() {
            return parameters.stream().anyMatch(p -> p.in().equals("path"));
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + pathTemplate + " (" + service + ")";
        }
    }

    static OpenApiOperations of(Api api, String service) {
        JsonNode document = Tally.ok(api.get(service, "/q/openapi?format=json", null));
        JsonNode schemas = document.path("components").path("schemas");
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                List<Parameter> parameters = new ArrayList<>();
                for (JsonNode parameter : method.getValue().path("parameters")) {
                    JsonNode schema = resolve(parameter.path("schema"), schemas);
                    parameters.add(new Parameter(parameter.get("name").asText(), parameter.get("in").asText(),
                            schema.path("type").asText(null), schema.path("format").asText(null)));
                }
                JsonNode body = method.getValue().path("requestBody").path("content");
                JsonNode bodySchema = null;
                Set<String> required = Set.of();
                if (body.has("application/json")) {
                    bodySchema = resolve(body.get("application/json").path("schema"), schemas);
                    List<String> names = new ArrayList<>();
                    bodySchema.path("required").forEach(name -> names.add(name.asText()));
                    required = Set.copyOf(names);
                } else if (body.size() > 0) {
                    bodySchema = body.elements().next().path("schema"); // raw bytes (webhooks)
                }
                operations.add(new Operation(service, method.getKey(), path.getKey(), parameters, bodySchema, required));
            }
        }
        return new OpenApiOperations(service, operations);
    }

    private static JsonNode resolve(JsonNode schema, JsonNode schemas) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema;
    }
}
