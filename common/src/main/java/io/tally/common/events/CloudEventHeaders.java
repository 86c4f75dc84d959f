package io.tally.common.events;

/**
 * CloudEvents 1.0 binary mode over Kafka: the attributes travel as {@code ce_*} headers and the record value
 * is the JSON data (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md).
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SUBJECT = "ce_subject";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    /** ce_source of events produced by a Tally service. */
    public static String sourceOf(String serviceName) {
        return "/tally/" + serviceName;
    }

    private CloudEventHeaders() {
    }
}
