package io.ecompipeline.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The object moves the pipeline makes in its bucket: copy, verify, then delete; streamed reads; small writes. */
public class S3Objects {

    private final S3Client s3;
    private final String bucket;

    public S3Objects(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    /**
     * Copies {@code from} to {@code to}, checks the copy has the source's length and ETag, and only then deletes
     * the source. Returns the length. Safe to repeat: when the source is gone but the copy exists, it is done. Returns
     * -1 when neither exists (the source was deleted by someone else before it could be moved).
     */
    public long moveVerified(String from, String to) {
        return move(from, to, true);
    }

    /**
     * Like {@link #moveVerified}, for a source someone else may have moved meanwhile: returns -1 as soon as the source
     * is gone, even when the copy exists (the other mover owns it).
     */
    public long moveVerifiedIfPresent(String from, String to) {
        return move(from, to, false);
    }

    private long move(String from, String to, boolean doneWhenCopied) {
        HeadObjectResponse source;
        try {
            source = s3.headObject(b -> b.bucket(bucket).key(from));
        } catch (NoSuchKeyException e) {
            if (!doneWhenCopied) {
                return -1;
            }
            try {
                return s3.headObject(b -> b.bucket(bucket).key(to)).contentLength();
            } catch (NoSuchKeyException gone) {
                return -1;
            }
        }
        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket).destinationKey(to));
        HeadObjectResponse copy = s3.headObject(b -> b.bucket(bucket).key(to));
        if (!copy.contentLength().equals(source.contentLength()) || !sameEtag(copy.eTag(), source.eTag())) {
            throw new IllegalStateException("Copy of s3://" + bucket + "/" + from + " to " + to
                    + " does not match its source (length " + copy.contentLength() + " vs " + source.contentLength()
                    + "); source kept");
        }
        s3.deleteObject(b -> b.bucket(bucket).key(from));
        return source.contentLength();
    }

    /** The object's metadata (what a GetObject answers in its headers), empty when it does not exist. */
    public Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private static boolean sameEtag(String a, String b) {
        // multipart ETags differ after a copy; length was checked above
        return a == null || b == null || a.contains("-") || b.contains("-") || a.equals(b);
    }

    public ResponseInputStream<GetObjectResponse> open(String key) {
        return s3.getObject(b -> b.bucket(bucket).key(key));
    }

    public byte[] read(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    public void put(String key, byte[] content, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
    }

    public void put(String key, Path file, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
    }

    /** Deletes the object; nothing happens when it does not exist. */
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    public List<S3Object> list(String prefix) {
        List<S3Object> all = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(all::add);
        return all;
    }
}
