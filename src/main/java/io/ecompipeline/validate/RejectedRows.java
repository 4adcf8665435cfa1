package io.ecompipeline.validate;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rejected rows of one file, spooled to a temporary file as CSV ({@code file,line,reason,detail,raw}) so that
 * millions of them cost no heap, with a count per reason.
 */
final class RejectedRows implements Closeable {

    private final String fileName;
    private final Path spool;
    private final BufferedWriter out;
    private final Map<String, Long> byReason = new TreeMap<>();

    RejectedRows(String fileName) throws IOException {
        this.fileName = fileName;
        this.spool = Files.createTempFile("rejected-", ".csv");
        this.out = Files.newBufferedWriter(spool, StandardCharsets.UTF_8);
        out.write("file,line,reason,detail,raw\n");
    }

    void add(long line, String reason, String detail, String raw) throws IOException {
        byReason.merge(reason, 1L, Long::sum);
        out.write(quote(fileName) + "," + line + "," + reason + "," + quote(detail) + "," + quote(raw) + "\n");
    }

    long count() {
        return byReason.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Long> byReason() {
        return byReason;
    }

    /** The spooled CSV, complete. */
    Path finish() throws IOException {
        out.flush();
        return spool;
    }

    static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() throws IOException {
        out.close();
        Files.deleteIfExists(spool);
    }
}
