package io.tally.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The dev script creates topics from dev-support/kafka/topics.conf: it must name every topic the code uses. */
@Tag("unit")
class TopicsConfTest {

    @Test
    void topicsConfCoversEveryTopicAndDeadLetterTopic() throws IOException {
        List<String> configured = Files.readAllLines(Path.of("..", "dev-support", "kafka", "topics.conf")).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+")[0])
                .toList();

        assertThat(configured).containsAll(Topics.ALL);
        for (String service : List.of("credits", "jobs", "payments", "presence")) {
            assertThat(configured).contains(Topics.deadLetter(service));
        }
        assertThat(EventTypes.ALL).allSatisfy(type -> assertThat(configured).contains(type.topic()));
    }
}
