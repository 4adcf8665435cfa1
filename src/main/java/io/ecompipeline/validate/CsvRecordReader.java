package io.ecompipeline.validate;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming RFC 4180 reader that keeps what a rejected-row report needs: the physical line a record starts on and
 * its raw text. Quoted fields may hold separators, doubled quotes and line breaks; LF, CRLF and lone CR end a
 * record; blank lines are skipped. Lenient where the RFC is silent, like Python's csv module: a quote inside an
 * unquoted field is data, and characters after a closing quote are appended to the field.
 */
public final class CsvRecordReader implements Closeable {

    /**
     * One record as read: its fields, the line it starts on (1-based), its raw text without the line break (capped),
     * whether a quote was left open at the end of the input, and whether a field or the field count went past the
     * reader's limits (then the fields are cut short and the record must be refused).
     */
    public record CsvRecord(List<String> fields, long line, String raw, boolean unterminatedQuote, boolean oversized) {
    }

    private static final int EOF = -1;

    private final Reader in;
    private final int maxRawChars;
    private final int maxFieldChars;
    private final int maxFields;
    private final char[] buffer = new char[64 * 1024];
    private int bufferPos;
    private int bufferLen;
    private long line = 1;
    private boolean atEof;

    /**
     * @param maxRawChars   raw text kept per record
     * @param maxFieldChars longest field kept; a longer one marks the record oversized (memory stays bounded on a
     *                      file of one endless line)
     * @param maxFields     most fields kept per record, likewise
     */
    public CsvRecordReader(Reader in, int maxRawChars, int maxFieldChars, int maxFields) {
        this.in = in;
        this.maxRawChars = maxRawChars;
        this.maxFieldChars = maxFieldChars;
        this.maxFields = maxFields;
    }

    public CsvRecordReader(Reader in, int maxRawChars) {
        this(in, maxRawChars, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    private int read() throws IOException {
        if (bufferPos == bufferLen) {
            if (atEof) {
                return EOF;
            }
            bufferLen = in.read(buffer, 0, buffer.length);
            bufferPos = 0;
            if (bufferLen <= 0) {
                bufferLen = 0;
                atEof = true;
                return EOF;
            }
        }
        return buffer[bufferPos++];
    }

    private int peek() throws IOException {
        int c = read();
        if (c != EOF) {
            bufferPos--;
        }
        return c;
    }

    /** The next non-blank record, or null at the end of the input. */
    public CsvRecord next() throws IOException {
        while (true) {
            if (peek() == EOF) {
                return null;
            }
            long startLine = line;
            StringBuilder raw = new StringBuilder();
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean inQuotes = false;
            boolean fieldWasQuoted = false;
            boolean unterminated = false;
            boolean any = false;
            boolean oversized = false;
            while (true) {
                int c = read();
                if (c == EOF) {
                    unterminated = inQuotes;
                    break;
                }
                if (inQuotes) {
                    if (c == '"') {
                        if (peek() == '"') {
                            read();
                            oversized |= !append(field, '"');
                            appendRaw(raw, '"');
                            appendRaw(raw, '"');
                        } else {
                            inQuotes = false;
                            appendRaw(raw, '"');
                        }
                        continue;
                    }
                    if (c == '\r' || c == '\n') {
                        if (c == '\r' && peek() == '\n') {
                            read();
                            appendRaw(raw, '\r');
                            c = '\n';
                        }
                        line++;
                    }
                    oversized |= !append(field, (char) c);
                    appendRaw(raw, (char) c);
                    continue;
                }
                if (c == '\r' || c == '\n') {
                    if (c == '\r' && peek() == '\n') {
                        read();
                    }
                    line++;
                    break;
                }
                any = true;
                appendRaw(raw, (char) c);
                if (c == ',') {
                    if (fields.size() < maxFields) {
                        fields.add(field.toString());
                    } else {
                        oversized = true;
                    }
                    field.setLength(0);
                    fieldWasQuoted = false;
                } else if (c == '"' && field.length() == 0 && !fieldWasQuoted) {
                    inQuotes = true;
                    fieldWasQuoted = true;
                } else {
                    oversized |= !append(field, (char) c);
                }
            }
            if (!any && fields.isEmpty() && field.length() == 0 && !fieldWasQuoted) {
                continue; // blank line
            }
            fields.add(field.toString());
            return new CsvRecord(fields, startLine, raw.toString(), unterminated, oversized);
        }
    }

    /** Appends unless the field is full; false when the character was dropped. */
    private boolean append(StringBuilder field, char c) {
        if (field.length() >= maxFieldChars) {
            return false;
        }
        field.append(c);
        return true;
    }

    private void appendRaw(StringBuilder raw, char c) {
        if (raw.length() < maxRawChars) {
            raw.append(c);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
