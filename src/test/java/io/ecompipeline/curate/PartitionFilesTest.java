package io.ecompipeline.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.jerolba.carpet.CarpetReader;
import io.ecompipeline.common.S3Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a curated table's partitions are put: one object per date at its fixed key, whole or not at all; a failure
 * part way leaves the partitions already put complete and the others as they were; a touched date without rows is
 * deleted; the PUTs overlap, never more than the limit at once, and leave no temporary file. (The S3 side is a
 * recording stand-in: what matters here is which calls are made.)
 */
@Tag("unit")
class PartitionFilesTest {

    private static final LocalDate D1 = LocalDate.of(2025, 3, 1);
    private static final LocalDate D2 = LocalDate.of(2025, 3, 2);
    private static final LocalDate D3 = LocalDate.of(2025, 3, 3);

    @TempDir
    Path work;
    private final ExecutorService uploads = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        uploads.shutdownNow();
    }

    /**
     * Records puts (the file's bytes), deletes and the most PUTs seen at once; fails the put of the key
     * {@code failKey}; each put takes {@code putMillis}.
     */
    static final class RecordingObjects extends S3Objects {
        final Map<String, byte[]> puts = new ConcurrentHashMap<>();
        final List<String> deletes = new CopyOnWriteArrayList<>();
        final List<Path> files = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        volatile String failKey;
        volatile long putMillis;

        RecordingObjects() {
            super(null, "test");
        }

        @Override
        public void put(String key, Path file, String contentType) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                files.add(file);
                Thread.sleep(putMillis);
                if (key.equals(failKey)) {
                    throw new IllegalStateException("S3 unreachable");
                }
                puts.put(key, Files.readAllBytes(file));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public void delete(String key) {
            deletes.add(key);
        }
    }

    private PartitionFiles<CuratedRows.OrderKpi> files(RecordingObjects s3, int inFlight) {
        return new PartitionFiles<>(s3, "curated/order_kpis/", "order_date", CuratedRows.OrderKpi.class, uploads,
                inFlight);
    }

    private static CuratedRows.OrderKpi kpi(long orders) {
        return new CuratedRows.OrderKpi(D1, orders, new BigDecimal("10.00"), orders, new BigDecimal("0.0000"), 1, 0);
    }

    @Test
    void eachDateIsOneObjectAtItsKeyAndATouchedDateWithoutRowsIsDeleted() throws Exception {
        RecordingObjects s3 = new RecordingObjects();
        try (PartitionFiles<CuratedRows.OrderKpi> files = files(s3, 2)) {
            files.add(D1, kpi(1));
            files.add(D1, kpi(2));
            files.add(D3, kpi(3));
            assertThat(files.finish(List.of(D1, D2, D3))).isEqualTo(2);
            assertThat(files.rows()).isEqualTo(3);
        }
        assertThat(s3.puts.keySet()).containsExactlyInAnyOrder("curated/order_kpis/order_date=2025-03-01/data.parquet",
                "curated/order_kpis/order_date=2025-03-03/data.parquet");
        assertThat(s3.deletes).containsExactly("curated/order_kpis/order_date=2025-03-02/data.parquet");
        Path first = Files.write(work.resolve("d1.parquet"),
                s3.puts.get(PartitionFiles.key("curated/order_kpis/", "order_date", D1)));
        assertThat(new CarpetReader<>(first.toFile(), CuratedRows.OrderKpi.class).toList())
                .containsExactly(kpi(1), kpi(2));
    }

    @Test
    void aFailurePartWayLeavesThePartitionsPutCompleteAndTouchesNoOther() throws Exception {
        RecordingObjects s3 = new RecordingObjects();
        s3.failKey = PartitionFiles.key("curated/order_kpis/", "order_date", D2);
        try (PartitionFiles<CuratedRows.OrderKpi> files = files(s3, 2)) {
            files.add(D1, kpi(1));
            assertThatThrownBy(() -> {
                files.add(D2, kpi(2));
                files.add(D3, kpi(3)); // D2's put fails meanwhile
                files.finish(List.of(D1, D2, D3));
            }).hasMessage("S3 unreachable");
        }
        assertThat(s3.puts.keySet()).contains(PartitionFiles.key("curated/order_kpis/", "order_date", D1))
                .doesNotContain(s3.failKey);
        assertThat(s3.deletes).as("no date is emptied by a failed run").isEmpty();
        assertThat(s3.files).as("temporary files left").noneMatch(Files::exists);
    }

    @Test
    void rowsOfADateThatDoNotComeTogetherAreRefused() throws Exception {
        RecordingObjects s3 = new RecordingObjects();
        try (PartitionFiles<CuratedRows.OrderKpi> files = files(s3, 2)) {
            files.add(D1, kpi(1));
            files.add(D2, kpi(2));
            assertThatThrownBy(() -> files.add(D1, kpi(3))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not together");
        }
    }

    @Test
    void putsOverlapUpToTheLimitAndLeaveNoTemporaryFile() throws Exception {
        RecordingObjects s3 = new RecordingObjects();
        s3.putMillis = 50;
        List<LocalDate> dates = new ArrayList<>();
        try (PartitionFiles<CuratedRows.OrderKpi> files = files(s3, 3)) {
            for (int day = 0; day < 12; day++) {
                LocalDate date = D1.plusDays(day);
                dates.add(date);
                files.add(date, kpi(day));
            }
            assertThat(files.finish(dates)).isEqualTo(12);
        }
        assertThat(s3.puts).hasSize(12);
        assertThat(s3.mostAtOnce.get()).as("PUTs at once").isEqualTo(3);
        assertThat(s3.files).as("temporary files left").hasSize(12).noneMatch(Files::exists);
    }
}
