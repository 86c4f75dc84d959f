package io.tally.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Refuses a NUL character in any JSON text value, as a 400 naming the field (through the usual JSON error mapping):
 * PostgreSQL cannot store it in text, so it would otherwise come back as a 500 from deep inside a write path.
 * Everything else Unicode allows, tabs and newlines included, is accepted.
 */
@Singleton
public class NoNulInText implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("tally-no-nul").addDeserializer(String.class, new Refusing()));
    }

    static final class Refusing extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && value.indexOf('\u0000') >= 0) {
                return (String) context.handleWeirdStringValue(String.class, value, "NUL characters are not allowed in text");
            }
            return value;
        }
    }
}
