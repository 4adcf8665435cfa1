package io.ecompipeline.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One {@code run} per data folder: an OS file lock on {@code <data>/run.lock}, held for the life of the process (the
 * OS releases it when the process dies, so a crash leaves nothing to clean). A second {@code run} on the same folder
 * is refused in one line that says which process holds it, instead of the embedded PostgreSQL's
 * "could not lock .../epg-lock" stack trace.
 */
final class DataDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("run.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            channel.close();
            throw new LocalLoop.RefusedStart(dataDir.toAbsolutePath().normalize() + " is in use by another"
                    + " `bin/ecom-pipeline run`" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + ": stop that one first, or give this one its own folder: PIPELINE_DATA_DIR=<folder>"
                    + " bin/ecom-pipeline run");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ManagementFactory.getRuntimeMXBean().getPid() + ", since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
