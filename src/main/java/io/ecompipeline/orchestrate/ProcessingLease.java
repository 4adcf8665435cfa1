package io.ecompipeline.orchestrate;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A lease in DynamoDB (the {@code ProcessingLock} table, one item per lease) that one instance at a time holds: the
 * right to process batches ({@code batch-processing}) or to collect arrivals ({@code collector}). Acquired with
 * a conditional write that succeeds only when the lock is free or its lease has expired; renewed in the background
 * while held; released on success and on failure. A holder that dies stops blocking the others when its lease
 * expires: nobody ever resets it by hand. Expiry is wall-clock time of the writer: keep instance clocks in sync (NTP).
 */
public class ProcessingLease {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingLease.class);
    public static final String PROCESSING = "batch-processing";
    public static final String COLLECTOR = "collector";
    /**
     * The lock the ingest state machine takes (asl/ingest-batch.asl.json: owner and acquired_at, no expiry). A lease
     * of this class on it (a recompute in Step Functions mode) keeps executions waiting, since their condition does not
     * read expires_at; they take it over only once acquired_at is older than {@code pipeline.sfn.lock-expiry}.
     */
    public static final String SFN_INGEST = "sfn-ingest-batch";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String lockId;
    private final Duration lease;
    private final Duration renewEvery;
    private final String owner;
    private volatile boolean held;
    /** Until when our last successful write keeps the lease ours, by our clock, counted from before that write. */
    private volatile long validUntil;
    /** The renewal thread: exists only while the lease is held, so a released lease leaves no thread behind. */
    private ScheduledExecutorService renewer;

    public ProcessingLease(DynamoDbClient dynamoDb, String table, String lockId, Duration lease, Duration renewEvery) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.lockId = lockId;
        this.lease = lease;
        this.renewEvery = renewEvery;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String owner() {
        return owner;
    }

    /** Held, and the lease not past its expiry even if renewals could not reach DynamoDB. */
    public boolean isHeld() {
        return held && System.currentTimeMillis() < validUntil;
    }

    /** True when this instance now holds the lock (or already did). */
    public synchronized boolean tryAcquire() {
        if (isHeld()) {
            return true;
        }
        long now = System.currentTimeMillis();
        try {
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(Map.of("lock_id", s(lockId), "owner", s(owner), "expires_at", n(now + lease.toMillis()),
                            "acquired_at", s(Instant.ofEpochMilli(now).toString())))
                    .conditionExpression("attribute_not_exists(lock_id) OR expires_at < :now OR #owner = :me")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":now", n(now), ":me", s(owner))));
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
        held = true;
        validUntil = now + lease.toMillis();
        stopRenewal();
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-renewal-" + lockId);
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService mine = renewer;
        mine.scheduleAtFixedRate(() -> renew(mine), renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        LOG.debug("Lease {} acquired by {} for {}", lockId, owner, lease);
        return true;
    }

    private void renew(ScheduledExecutorService mine) {
        long now = System.currentTimeMillis();
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("lock_id", s(lockId)))
                    .updateExpression("SET expires_at = :expires")
                    .conditionExpression("#owner = :me")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":expires", n(now + lease.toMillis()), ":me", s(owner))));
            validUntil = now + lease.toMillis();
        } catch (ConditionalCheckFailedException e) {
            held = false;
            LOG.error("Lease {} lost by {} (it expired and another instance took it)", lockId, owner);
            // nothing left to renew: this thread ends (its executor shut down from its own task)
            synchronized (this) {
                if (renewer == mine) {
                    renewer = null;
                }
            }
            mine.shutdownNow();
        } catch (RuntimeException e) {
            LOG.warn("Could not renew lease {} (will retry in {}): {}", lockId, renewEvery, e.getMessage());
        }
    }

    private void stopRenewal() {
        if (renewer != null) {
            renewer.shutdownNow();
            renewer = null;
        }
    }

    /**
     * True when some instance holds the lease {@code lockId} now (its item exists and has not expired), e.g. whether
     * any {@code run} collects arrivals; read with a consistent read, by anyone, without taking it.
     */
    public static boolean isHeldByAnyone(DynamoDbClient dynamoDb, String table, String lockId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("lock_id", s(lockId)))).item();
        return item != null && item.containsKey("expires_at")
                && Long.parseLong(item.get("expires_at").n()) > System.currentTimeMillis();
    }

    /** Who holds the lock now and since when, for a message ("nobody" when it is free); read, not taken. */
    public String holder() {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(Map.of("lock_id", s(lockId)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return "nobody";
        }
        AttributeValue who = item.get("owner");
        AttributeValue since = item.get("acquired_at");
        return (who == null ? "an unknown owner" : who.s()) + (since == null ? "" : " since " + since.s());
    }

    /** Fails when the lease was lost: the caller must stop before changing anything else. */
    public void assertHeld() {
        if (!isHeld()) {
            throw new IllegalStateException("Lease " + lockId + " is not held by " + owner);
        }
    }

    /** Gives the lease up and stops its renewal thread. */
    public synchronized void release() {
        stopRenewal();
        if (!held) {
            return;
        }
        held = false;
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("lock_id", s(lockId)))
                    .conditionExpression("#owner = :me")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":me", s(owner))));
        } catch (ConditionalCheckFailedException e) {
            LOG.warn("Lease {} was no longer ours at release ({})", lockId, owner);
        } catch (RuntimeException e) {
            LOG.warn("Could not release lease {}; it expires within {}: {}", lockId, lease, e.getMessage());
        }
    }

    /** The owner stops: same as {@link #release()}, which leaves no thread behind. */
    public void shutdown() {
        release();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
