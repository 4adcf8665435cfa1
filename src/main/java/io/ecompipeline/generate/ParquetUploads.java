package io.ecompipeline.generate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.TimeUnit;
import io.ecompipeline.common.S3Objects;

/**
 * The payment and shipping systems' files: each simulated day's payments and shipments as Parquet under
 * {@code source/}. They are written on one background thread while the next days are simulated and the commit is
 * written to PostgreSQL; the generator waits for them before it commits, so a day is marked done only after its
 * Parquet files exist.
 */
final class ParquetUploads implements AutoCloseable {

    private final S3Objects s3;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "generator-parquet");
        t.setDaemon(true);
        return t;
    });
    private final List<Future<?>> pending = new ArrayList<>();

    ParquetUploads(S3Objects s3) {
        this.s3 = s3;
    }

    /** Starts writing the day's two files. */
    void upload(DaySimulation.SourceDay day) {
        String ds = day.date();
        pending.add(writer.submit(() -> {
            write("source/payments/date=" + ds + "/payments_" + ds + ".parquet", PaymentRecord.class, day.payments());
            write("source/shipments/date=" + ds + "/shipments_" + ds + ".parquet", ShipmentRecord.class,
                    day.shipments());
            return null;
        }));
    }

    /** Waits for every file started; throws the first failure. */
    void awaitAll() throws InterruptedException, ExecutionException {
        for (Future<?> f : pending) {
            f.get();
        }
        pending.clear();
    }

    /** Drops the files not written yet (their commit failed). */
    void cancelAll() {
        for (Future<?> f : pending) {
            f.cancel(true);
        }
        pending.clear();
    }

    private <T> void write(String key, Class<T> type, List<T> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (CarpetWriter<T> w = new CarpetWriter.Builder<>(out, type).withDefaultTimeUnit(TimeUnit.MICROS).build()) {
            w.write(rows);
        }
        s3.put(key, out.toByteArray(), "application/vnd.apache.parquet");
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
