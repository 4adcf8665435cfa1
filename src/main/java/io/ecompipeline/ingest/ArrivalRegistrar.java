package io.ecompipeline.ingest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecompipeline.common.Errors;
import io.ecompipeline.common.Hashes;
import io.ecompipeline.common.S3Keys;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.model.FileArrival;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Takes a new object off {@code incoming/}: copies it to {@code collected/<arrival-id>/}, checks the copy, then
 * deletes the original, so the poller never sees it twice and nothing leaves {@code incoming/} before its copy
 * exists. The arrival id is derived from key, ETag and last-modified time: a retry after a crash between copy and
 * delete lands on the same collected key.
 * <p>
 * An object that cannot be collected for a reason of its own (anything but an outage of S3 or PostgreSQL, which the
 * next poll retries) is set aside under {@code quarantine/arrivals/<arrival-id>/} with an {@code .error.json} stating
 * the reason {@code collection_failed}, so that it never blocks or delays the objects behind it.
 * <p>
 * Two paths register arrivals: the poller's listing and, with {@code pipeline.arrival=events}, the S3 notifications
 * ({@link #registerNotified}), which read the same object headers, so both give an object the same arrival id. The
 * same object registered twice (a duplicate notification, a notification and the reconciliation listing at once, a
 * listing older than the move) is collected once: the second registration finds its arrival id in flight, or its
 * object gone from {@code incoming/}, and returns null (should the first one then fail, the object stays under
 * {@code incoming/} for the next poll or reconciliation listing).
 */
public class ArrivalRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(ArrivalRegistrar.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String COLLECTION_FAILED = "collection_failed";

    private final S3Objects s3;
    private final String incomingPrefix;
    private final String collectedPrefix;
    private final String setAsidePrefix;
    private final Runnable onSetAside;
    /** Arrival ids being registered on this instance (the collector: collection runs on one instance at a time). */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param prefixes the layout; objects that cannot be collected go under quarantine's {@code arrivals/}
     * @param onSetAside told of each object set aside (a one-shot wave expects one file fewer)
     */
    public ArrivalRegistrar(S3Objects s3, S3Prefixes prefixes, Runnable onSetAside) {
        this.s3 = s3;
        this.incomingPrefix = prefixes.incoming();
        this.collectedPrefix = prefixes.collected();
        this.setAsidePrefix = prefixes.quarantine() + "arrivals/";
        this.onSetAside = onSetAside;
    }

    /**
     * Returns the arrival as a manifest line, the body the collector aggregates; null when the object vanished or was
     * set aside. Throws on an outage (the object is retried).
     */
    public String register(@Header("CamelAwsS3Key") String key, @Header("CamelAwsS3ETag") String etag,
            @Header("CamelAwsS3LastModified") Instant lastModified, @Header("CamelAwsS3ContentLength") Long size) {
        String cleanEtag = etag == null ? "" : etag.replace("\"", "");
        long modified = lastModified == null ? 0 : lastModified.toEpochMilli();
        String arrivalId = arrivalId(key, cleanEtag, modified);
        String relative = key.startsWith(incomingPrefix) ? key.substring(incomingPrefix.length()) : key;
        String collectedKey = S3Keys.fit(collectedPrefix + arrivalId + "/", relative);
        if (!inFlight.add(arrivalId)) {
            LOG.debug("{} is being collected already (arrival {})", Errors.printable(key), arrivalId);
            return null;
        }
        try {
            return collect(key, collectedKey, cleanEtag);
        } catch (RuntimeException e) {
            if (Errors.isInfrastructure(e)) {
                throw e;
            }
            setAside(key, arrivalId, relative, collectedKey, size, e);
            return null;
        } finally {
            inFlight.remove(arrivalId);
        }
    }

    /**
     * Registers the object an S3 notification named, with the headers S3 answers for it now (those the poller gets),
     * so its arrival id is the poller's. Null when it is no longer under {@code incoming/}: collected already (by the
     * reconciliation listing, or for an earlier copy of the notification) or deleted.
     */
    public String registerNotified(String key) {
        Optional<HeadObjectResponse> head = s3.head(key);
        if (head.isEmpty()) {
            LOG.debug("{} of a notification is no longer there (collected already, or deleted)", Errors.printable(key));
            return null;
        }
        return register(key, head.get().eTag(), head.get().lastModified(), head.get().contentLength());
    }

    String collect(String key, String collectedKey, String etag) {
        // IfPresent: once the object left incoming/, whoever moved it owns its arrival (no second manifest line)
        long length = s3.moveVerifiedIfPresent(key, collectedKey);
        if (length < 0) {
            LOG.info("{} was no longer there to collect (collected already, or deleted); nothing to do",
                    Errors.printable(key));
            return null;
        }
        FileArrival arrival = new FileArrival(key, collectedKey, length, etag, System.currentTimeMillis());
        LOG.info("Collected {} ({} bytes) as {}", Errors.printable(key), length, Errors.printable(collectedKey));
        return arrival.toLine();
    }

    private void setAside(String key, String arrivalId, String relative, String collectedKey, Long size,
            RuntimeException cause) {
        String target = S3Keys.fit(setAsidePrefix + arrivalId + "/", relative);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("file", key);
        error.put("batch_id", null);
        error.put("reason", COLLECTION_FAILED);
        error.put("detail", Errors.withCauses(cause));
        error.put("size_bytes", size);
        try {
            s3.put(target + ".error.json", JSON.writeValueAsBytes(error), "application/json");
            if (s3.moveVerified(key, target) < 0) {
                // only the copy under collected/ is left (the failure came after the original's delete)
                s3.moveVerified(collectedKey, target);
            }
            s3.delete(collectedKey);
        } catch (Exception e) {
            cause.addSuppressed(e);
            LOG.error("{} cannot be collected ({}) nor set aside in {}; it stays where it is and is tried again",
                    Errors.printable(key), Errors.withCauses(cause), Errors.printable(target), e);
            throw cause;
        }
        LOG.warn("{} cannot be collected ({}): quarantined as {} with reason {}", Errors.printable(key),
                Errors.withCauses(cause), Errors.printable(target), COLLECTION_FAILED);
        onSetAside.run();
    }

    static String arrivalId(String key, String etag, long modified) {
        return Hashes.sha256Hex(key + "\n" + etag + "\n" + modified, 8);
    }
}
