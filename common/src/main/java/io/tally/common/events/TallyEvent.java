package io.tally.common.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The data of an event that crosses a service boundary. The key decides the Kafka partition, so all
 * events of one user (one box for presence) stay in order.
 */
public interface TallyEvent {

    @JsonIgnore
    String key();
}
