package io.tally.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Reads JSON (requests and events) strictly where a lenient reading would change what is stored or charged, each
 * refusal a 400 naming the field through the usual JSON error mapping:
 * <ul>
 *   <li>text PostgreSQL cannot store — a NUL, or a UTF-16 surrogate without its pair ({@code "\ud800"}), which
 *   would otherwise fail deep inside a write path, with every other operation of its group commit;</li>
 *   <li>a number that is not the field's type: {@code 1.5} for a whole number (Jackson would truncate it to 1 and
 *   it would be charged), or a number, boolean written as a string ({@code "2"}).</li>
 * </ul>
 * Everything else Unicode allows, tabs and newlines included, is accepted.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("tally-storable-text").addDeserializer(String.class, new Refusing()));
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
    }

    /** Why PostgreSQL could not store this text; null when it can. */
    public static String unstorable(String text) {
        if (text.indexOf('\u0000') >= 0) {
            return "Text may not contain NUL characters";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "Text may not contain an unpaired UTF-16 surrogate";
            }
        }
        return null;
    }

    static final class Refusing extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            String problem = value == null ? null : unstorable(value);
            if (problem != null) {
                return (String) context.handleWeirdStringValue(String.class, value, problem);
            }
            return value;
        }
    }
}
