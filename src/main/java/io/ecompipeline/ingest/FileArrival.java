package io.ecompipeline.ingest;

import java.util.Arrays;
import java.util.List;

/**
 * An object that arrived under {@code incoming/} and was moved to {@code collected/} to wait for its batch.
 * Travels through the aggregation repository as one tab-separated line, so that the repository only ever
 * stores plain strings.
 */
public record FileArrival(String incomingKey, String collectedKey, long size, String etag, long arrivedAt) {

    public String toLine() {
        return String.join("\t", incomingKey, collectedKey, Long.toString(size), etag, Long.toString(arrivedAt));
    }

    public static FileArrival fromLine(String line) {
        String[] f = line.split("\t", -1);
        return new FileArrival(f[0], f[1], Long.parseLong(f[2]), f[3], Long.parseLong(f[4]));
    }

    /** The arrivals of a manifest (one line each), in arrival order. */
    public static List<FileArrival> fromManifest(String manifest) {
        if (manifest == null || manifest.isBlank()) {
            return List.of();
        }
        return Arrays.stream(manifest.split("\n")).filter(l -> !l.isBlank()).map(FileArrival::fromLine).toList();
    }
}
