package io.tally.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.events.EventType;
import io.tally.common.events.EventTypes;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** docs/events.md is the contract other teams read: it must list every type, its topic and every field. */
@Tag("unit")
class EventsDocTest {

    @Test
    void everyEventTypeIsDocumentedWithItsTopicAndFields() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "events.md"));
        for (EventType<?> type : EventTypes.ALL) {
            int section = doc.indexOf("## `" + type.name() + "` — " + type.dataClass().getSimpleName());
            assertThat(section).as("section for %s", type.name()).isNotNegative();
            int next = doc.indexOf("\n## ", section + 1);
            String body = doc.substring(section, next < 0 ? doc.length() : next);
            assertThat(body).contains("Topic `" + type.topic() + "`");
            for (RecordComponent field : type.dataClass().getRecordComponents()) {
                assertThat(body).as("%s field %s", type.name(), field.getName()).contains("| `" + field.getName() + "` |");
            }
        }
    }

    @Test
    void typeNamesAreVersionedAndUnique() {
        assertThat(EventTypes.ALL).allSatisfy(type -> assertThat(type.name()).matches("tally\\.[a-z]+\\.[a-z-]+\\.v\\d+"));
        assertThat(EventTypes.ALL.stream().map(EventType::name).distinct()).hasSize(EventTypes.ALL.size());
    }
}
