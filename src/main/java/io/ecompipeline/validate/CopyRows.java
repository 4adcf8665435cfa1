package io.ecompipeline.validate;

import java.io.Closeable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import org.postgresql.copy.CopyIn;

/**
 * Writes rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for null, backslash escapes) straight into a
 * running {@code COPY ... FROM STDIN}, buffered: the fastest way rows get into PostgreSQL, with no statement per row.
 */
final class CopyRows implements Closeable {

    private static final int FLUSH_AT = 256 * 1024;

    private final CopyIn copy;
    private byte[] buffer = new byte[FLUSH_AT + 4096];
    private int length;
    private boolean firstField = true;
    private long rows;

    CopyRows(CopyIn copy) {
        this.copy = copy;
    }

    CopyRows text(String value) {
        separator();
        if (value == null) {
            ascii("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> ascii("\\\\");
                case '\t' -> ascii("\\t");
                case '\n' -> ascii("\\n");
                case '\r' -> ascii("\\r");
                default -> {
                    if (c < 0x80) {
                        put((byte) c);
                    } else {
                        int end = i + 1;
                        while (end < value.length() && value.charAt(end) >= 0x80) {
                            end++;
                        }
                        for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                            put(b);
                        }
                        i = end - 1;
                    }
                }
            }
        }
        return this;
    }

    CopyRows number(long value) {
        separator();
        ascii(Long.toString(value));
        return this;
    }

    CopyRows number(BigDecimal value) {
        separator();
        ascii(value.toPlainString());
        return this;
    }

    /** Ends the row; sends the buffer when it is full. */
    void endRow() throws SQLException {
        put((byte) '\n');
        firstField = true;
        rows++;
        if (length >= FLUSH_AT) {
            flush();
        }
    }

    long rows() {
        return rows;
    }

    /** Sends what is buffered and ends the COPY; returns the rows PostgreSQL took. */
    long finish() throws SQLException {
        flush();
        return copy.endCopy();
    }

    private void flush() throws SQLException {
        if (length > 0) {
            copy.writeToCopy(buffer, 0, length);
            length = 0;
        }
    }

    private void separator() {
        if (!firstField) {
            put((byte) '\t');
        }
        firstField = false;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put((byte) s.charAt(i));
        }
    }

    private void put(byte b) {
        if (length == buffer.length) {
            byte[] bigger = new byte[buffer.length * 2];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
        buffer[length++] = b;
    }

    /** A value escaped for COPY's text format (for rows written to a file first). */
    static String escape(String value) {
        if (value == null) {
            return "\\N";
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Abandons an unfinished COPY (the transaction is rolled back by the caller). */
    @Override
    public void close() {
        if (copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException ignored) {
                // the connection's transaction is rolled back anyway
            }
        }
    }
}
