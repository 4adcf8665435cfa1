package io.ecompipeline.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object that arrived under {@code incoming/} and was moved to {@code collected/} to wait for its batch.
 * Travels through the aggregation repository as one line of a plain-string manifest, so that the repository only
 * ever stores strings. A line is a JSON object: keys may hold any character S3 accepts (TAB, newline, any control
 * character), and JSON escapes every control character, so a line never holds a raw newline and the manifest splits
 * on newlines safely.
 * <p>
 * Versions before this one wrote tab-separated lines ({@code key TAB collected-key TAB size TAB etag TAB
 * arrived-at}); they are still read, so an open batch stored by such a version closes after an upgrade, including one
 * whose keys hold a TAB or a newline (which broke that format).
 */
public record FileArrival(String incomingKey, String collectedKey, long size, String etag, long arrivedAt) {

    private static final Logger LOG = LoggerFactory.getLogger(FileArrival.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One legacy record: the collected key is {@code <prefix>/<16 hex arrival id>/...} with no TAB or newline before
     * its arrival id, which tells where the incoming key ends even when it holds TABs; newlines inside keys are
     * crossed (DOTALL).
     */
    private static final Pattern LEGACY = Pattern.compile(
            "(.*?)\t([^\t\n]*?[0-9a-f]{16}/.*?)\t(\\d+)\t([0-9A-Za-z-]*)\t(\\d+)(?:\n|\\z)", Pattern.DOTALL);

    /** The manifest line: one JSON object, no raw newline whatever the keys hold. */
    public String toLine() {
        ObjectNode line = JSON.createObjectNode();
        line.put("key", incomingKey);
        line.put("collected_key", collectedKey);
        line.put("size", size);
        line.put("etag", etag);
        line.put("arrived_at", arrivedAt);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode the arrival of " + incomingKey, e);
        }
    }

    /**
     * The line's text in the format that versions before the JSON lines wrote, for keys without TAB or newline (the
     * only ones they handled), else the JSON line: a stable input for hashes that must not change with the upgrade.
     */
    public String identity() {
        String legacy = String.join("\t", incomingKey, collectedKey, Long.toString(size), etag, Long.toString(arrivedAt));
        return legacy.chars().filter(c -> c == '\t').count() == 4 && legacy.indexOf('\n') < 0 ? legacy : toLine();
    }

    /** An arrival from its manifest line (a JSON line, or a legacy tab-separated one). */
    public static FileArrival fromLine(String line) {
        FileArrival json = fromJson(line);
        if (json != null) {
            return json;
        }
        List<FileArrival> legacy = new ArrayList<>();
        if (!parseLegacy(line, legacy) || legacy.size() != 1) {
            throw new IllegalArgumentException("Not a manifest line: " + line.replace("\n", "\\n").replace("\t", "\\t"));
        }
        return legacy.get(0);
    }

    /**
     * The arrivals of a manifest, in arrival order. An entry that cannot be read is skipped with a warning, never
     * failing the whole batch: its file stays under {@code collected/} and {@code recover-stranded} collects it again.
     */
    public static List<FileArrival> fromManifest(String manifest) {
        if (manifest == null || manifest.isBlank()) {
            return List.of();
        }
        List<FileArrival> arrivals = new ArrayList<>();
        StringBuilder legacy = new StringBuilder();
        for (String line : manifest.split("\n", -1)) {
            FileArrival json = fromJson(line);
            if (json != null) {
                flushLegacy(legacy, arrivals);
                arrivals.add(json);
            } else if (!line.isBlank() || !legacy.isEmpty()) {
                // a legacy line, or the rest of a legacy key that held a newline
                if (!legacy.isEmpty()) {
                    legacy.append('\n');
                }
                legacy.append(line);
            }
        }
        flushLegacy(legacy, arrivals);
        return arrivals;
    }

    private static FileArrival fromJson(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(line);
            if (n == null || !n.isObject() || !n.path("key").isTextual() || !n.path("collected_key").isTextual()
                    || !n.path("size").canConvertToLong() || !n.path("arrived_at").canConvertToLong()) {
                return null;
            }
            return new FileArrival(n.get("key").asText(), n.get("collected_key").asText(), n.get("size").asLong(),
                    n.path("etag").asText(""), n.get("arrived_at").asLong());
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static void flushLegacy(StringBuilder legacy, List<FileArrival> into) {
        // a legacy record ends with digits: trailing newlines are line ends, never part of a key
        String text = legacy.toString().replaceAll("\n+\\z", "");
        if (!text.isBlank() && !parseLegacy(text, into)) {
            LOG.warn("Skipped an unreadable manifest entry (its file is collected again by recover-stranded): {}",
                    text.replace("\n", "\\n").replace("\t", "\\t"));
        }
        legacy.setLength(0);
    }

    /** Adds the legacy records of {@code text}; false when some of it was not a record (the rest is still added). */
    private static boolean parseLegacy(String text, List<FileArrival> into) {
        Matcher m = LEGACY.matcher(text);
        int at = 0;
        while (at < text.length()) {
            m.region(at, text.length());
            if (!m.lookingAt()) {
                return false;
            }
            try {
                into.add(new FileArrival(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4),
                        Long.parseLong(m.group(5))));
            } catch (NumberFormatException e) {
                return false;
            }
            at = m.end();
        }
        return true;
    }
}
