package io.ecompipeline.common;

import java.nio.charset.StandardCharsets;

/** Keys the pipeline derives from incoming keys, kept within S3's limit of 1,024 bytes. */
public final class S3Keys {

    /** S3 allows 1,024 bytes; 16 stay free for a sibling such as {@code <key>.error.json}. */
    static final int MAX_KEY_BYTES = 1024 - 16;

    private S3Keys() {
    }

    /**
     * {@code prefix + relative}, or when that is too long, {@code prefix + hash + "-" + the end of relative} (the
     * file name's end, with its extension, stays readable; the hash keeps distinct names distinct).
     */
    public static String fit(String prefix, String relative) {
        String key = prefix + relative;
        if (key.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES) {
            return key;
        }
        String head = prefix + hash(relative) + "-";
        int budget = MAX_KEY_BYTES - head.getBytes(StandardCharsets.UTF_8).length;
        int start = relative.length();
        int bytes = 0;
        while (start > 0) {
            int cp = relative.codePointBefore(start);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            start -= Character.charCount(cp);
        }
        return head + relative.substring(start);
    }

    private static String hash(String value) {
        return Hashes.sha256Hex(value, 8);
    }
}
