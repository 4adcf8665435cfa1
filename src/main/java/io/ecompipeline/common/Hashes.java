package io.ecompipeline.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one SHA-256 of the application: short stable ids (arrival ids, batch ids, the hash that keeps a long S3 key
 * unique) and the digest the management server compares passwords by. Text is hashed as UTF-8.
 */
public final class Hashes {

    private Hashes() {
    }

    /** The SHA-256 digest of the text's UTF-8 bytes. */
    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** The first {@code bytes} bytes of the text's SHA-256, as lower-case hex ({@code 2 * bytes} characters). */
    public static String sha256Hex(String text, int bytes) {
        return HexFormat.of().formatHex(sha256(text), 0, bytes);
    }
}
