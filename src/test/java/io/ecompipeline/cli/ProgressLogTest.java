package io.ecompipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person following {@code ingest} sees: files collected, rows and rows/s, batches done; and every line
 * written while a batch is processed carries that batch's id (the MDC, shown by the log pattern), once.
 */
class ProgressLogTest {

    private static final Set<String> STEP_LOGGERS = Set.of("FileValidator", "BatchRules", "StateApplier", "KpiTableWriter",
            "BatchFinisher", "PendingBatches");

    @TempDir
    Path work;

    @Test
    void ingestShowsProgressAndStepLinesCarryTheBatchId() throws Exception {
        StringBuilder orders = new StringBuilder("order_id,user_id,order_date,total_amount,status\n");
        for (int i = 1; i <= 20_000; i++) {
            orders.append(i).append(',').append(1 + i % 700).append(",2024-05-0").append(1 + i % 3).append(",1.00,delivered\n");
        }
        Path w1 = Files.createDirectories(work.resolve("in/w1"));
        Files.writeString(w1.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,1.00\n2,Toys,Ball,2.00\n");
        Files.writeString(w1.resolve("orders_1.csv"), orders);
        Files.writeString(w1.resolve("order_items_1.csv"), "order_id,product_id,quantity,unit_price\n1,1,1,1.00\n2,2,1,2.00\n");
        Path w2 = Files.createDirectories(work.resolve("in/w2"));
        Files.writeString(w2.resolve("orders_2.csv"),
                "order_id,user_id,order_date,total_amount,status\n30001,1,2024-05-04,3.00,delivered\n");
        Files.writeString(w2.resolve("order_items_2.csv"), "order_id,product_id,quantity,unit_price\n30001,2,1,3.00\n");

        List<String> lines;
        List<LogEvent> events;
        try (LogCapture capture = LogCapture.attach();
                TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.progress-every", "0"))) {
            assertThat(pipeline.ingest(work.resolve("in"), work.resolve("out"))).isZero();
            lines = capture.formatted();
            events = capture.events();
        }
        String log = String.join("", lines);

        // waves: files collected while waiting, then one line per finished batch with rows, rows/s and batches done
        assertThat(log).containsPattern("Wave 1/2 \\(w1\\): [0-3]/3 files collected");
        Matcher done1 = Pattern.compile("\\[(\\S+)] Wave 1/2 \\(w1\\) done in [\\d.]+ s: 3 files, 20,004 rows "
                + "\\([\\d,]+ rows/s\\); batches done 1").matcher(log);
        assertThat(done1.find()).as("wave 1 done line in:%n%s", log).isTrue();
        Matcher done2 = Pattern.compile("\\[(\\S+)] Wave 2/2 \\(w2\\) done in [\\d.]+ s: 2 files, 2 rows "
                + "\\([\\d,]+ rows/s\\); batches done 2").matcher(log);
        assertThat(done2.find()).as("wave 2 done line").isTrue();
        String batch1 = done1.group(1);
        String batch2 = done2.group(1);
        assertThat(batch1).matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}").isNotEqualTo(batch2);
        // a large file shows its rows as it goes (every 4,096 rows with progress-every 0)
        assertThat(log).contains("[" + batch1 + "] orders_1.csv: 16,384 rows read so far (");
        assertThat(log).containsPattern("\\[" + batch1 + "] Batch done in [\\d.]+ s: 3 files, 20,004 rows \\([\\d,]+ rows/s\\)");

        // every line the batch steps write carries the id of the batch they work on, and only once
        List<LogEvent> stepEvents = new ArrayList<>();
        for (LogEvent e : events) {
            String logger = e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1);
            if (STEP_LOGGERS.contains(logger)) {
                stepEvents.add(e);
            }
        }
        assertThat(stepEvents).hasSizeGreaterThan(10);
        for (LogEvent e : stepEvents) {
            String id = e.getContextData().getValue("batchId");
            assertThat(id).as("batch id of: %s", e.getMessage().getFormattedMessage()).isIn(batch1, batch2);
        }
        assertThat(stepEvents).anyMatch(e -> batch2.equals(e.getContextData().getValue("batchId")));
        for (String line : lines) {
            assertThat(line.split(Pattern.quote("[" + batch1 + "]"), -1).length).as(line).isLessThanOrEqualTo(2);
            assertThat(line.split(Pattern.quote("[" + batch2 + "]"), -1).length).as(line).isLessThanOrEqualTo(2);
        }
    }
}
