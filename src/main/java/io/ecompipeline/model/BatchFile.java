package io.ecompipeline.model;

import java.util.Map;

/** A file of a batch and what became of it. {@code kind} is null for an unrecognised name. */
public record BatchFile(String batchId, String incomingKey, String collectedKey, String kind, long size, int readOrder,
        String outcome, String reason, String detail, long rowsRead, long rowsAccepted, Map<String, Long> rejected,
        String rejectedKey, String finalKey) {

    public static final String ARCHIVED = "archived";
    public static final String QUARANTINED = "quarantined";

    public String fileName() {
        return incomingKey.substring(incomingKey.lastIndexOf('/') + 1);
    }

    public long rowsRejected() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
}
