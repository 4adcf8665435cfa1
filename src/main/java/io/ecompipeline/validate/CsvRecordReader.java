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

    /** One record as read: its fields, the line it starts on (1-based), and its raw text without the line break. */
    public record CsvRecord(List<String> fields, long line, String raw, boolean unterminatedQuote) {
    }

    private static final int EOF = -1;

    private final Reader in;
    private final int maxRawChars;
    private final char[] buffer = new char[64 * 1024];
    private int bufferPos;
    private int bufferLen;
    private long line = 1;
    private boolean atEof;

    public CsvRecordReader(Reader in, int maxRawChars) {
        this.in = in;
        this.maxRawChars = maxRawChars;
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
                            field.append('"');
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
                    field.append((char) c);
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
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldWasQuoted = false;
                } else if (c == '"' && field.length() == 0 && !fieldWasQuoted) {
                    inQuotes = true;
                    fieldWasQuoted = true;
                } else {
                    field.append((char) c);
                }
            }
            if (!any && fields.isEmpty() && field.length() == 0 && !fieldWasQuoted) {
                continue; // blank line
            }
            fields.add(field.toString());
            return new CsvRecord(fields, startLine, raw.toString(), unterminated);
        }
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
