package io.ecompipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a new object off {@code incoming/}: copies it to {@code collected/<arrival-id>/}, checks the copy, then
 * deletes the original, so the poller never sees it twice and nothing leaves {@code incoming/} before its copy
 * exists. The arrival id is derived from key, ETag and last-modified time: a retry after a crash between copy and
 * delete lands on the same collected key.
 */
public class ArrivalRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(ArrivalRegistrar.class);

    private final S3Objects s3;
    private final String incomingPrefix;
    private final String collectedPrefix;

    public ArrivalRegistrar(S3Objects s3, String incomingPrefix, String collectedPrefix) {
        this.s3 = s3;
        this.incomingPrefix = incomingPrefix;
        this.collectedPrefix = collectedPrefix;
    }

    /** Returns the arrival as a manifest line, the body the collector aggregates; null when the object vanished. */
    public String register(@Header("CamelAwsS3Key") String key, @Header("CamelAwsS3ETag") String etag,
            @Header("CamelAwsS3LastModified") Instant lastModified, @Header("CamelAwsS3ContentLength") Long size) {
        String cleanEtag = etag == null ? "" : etag.replace("\"", "");
        long modified = lastModified == null ? 0 : lastModified.toEpochMilli();
        String relative = key.startsWith(incomingPrefix) ? key.substring(incomingPrefix.length()) : key;
        String collectedKey = S3Keys.fit(collectedPrefix + arrivalId(key, cleanEtag, modified) + "/", relative);
        long length = s3.moveVerified(key, collectedKey);
        if (length < 0) {
            LOG.warn("{} vanished before it could be collected (deleted by someone else); nothing to do", key);
            return null;
        }
        FileArrival arrival = new FileArrival(key, collectedKey, length, cleanEtag, System.currentTimeMillis());
        LOG.info("Collected {} ({} bytes) as {}", key, length, collectedKey);
        return arrival.toLine();
    }

    static String arrivalId(String key, String etag, long modified) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((key + "\n" + etag + "\n" + modified).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
