package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean run says so (issue 11): an {@code ingest} of valid waves in local mode, from start to stop, logs no ERROR, no
 * WARN and no stack trace. (Step Functions mode: StepFunctionsEndToEndTest.)
 */
class CleanRunLogTest {

    @TempDir
    Path work;

    @Test
    void aValidTwoWaveIngestLogsNoErrorNoWarningAndNoStackTrace() throws Exception {
        Path in = work.resolve("in");
        wave(in.resolve("w1"), Map.of(
                "products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n2,Toys,Ball,2.00\n",
                "orders_1.csv", "order_id,user_id,order_date,total_amount,status\n"
                        + "1,1,2025-01-01,14.00,delivered\n2,2,2025-01-01,2.00,delivered\n",
                "order_items_1.csv", "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n1,2,2,2.00\n2,2,1,2.00\n"));
        wave(in.resolve("w2"), Map.of(
                "orders_2.csv", "order_id,user_id,order_date,total_amount,status\n"
                        + "2,2,2025-01-01,2.00,returned\n3,1,2025-01-02,20.00,shipped\n",
                "order_items_2.csv", "order_id,product_id,quantity,unit_price\n3,1,2,10.00\n"));

        try (LogCapture log = LogCapture.attach()) {
            try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
                assertThat(pipeline.ingest(in, work.resolve("out"))).isZero();
                pipeline.assertNothingLost(in);
            }
            assertThat(TestPipeline.readCsv(work.resolve("out").resolve("files.csv")))
                    .hasSize(5).allSatisfy(f -> assertThat(f.get(1)).isEqualTo("archived"));
            assertThat(log.containing("Batch finished")).as("both waves ran").hasSize(2);
            assertThat(log.lines()).as("the shutdown is part of the run").anyMatch(l -> l.message().contains("shutdown in"));

            assertThat(log.formatted()).as("ERROR or WARN lines")
                    .noneMatch(line -> line.contains(" ERROR ") || line.contains(" WARN "));
            assertThat(log.events()).as("lines with a stack trace").extracting(CleanRunLogTest::thrown)
                    .containsOnlyNulls();
        }
    }

    private static String thrown(LogEvent e) {
        return e.getThrown() == null ? null : e.getLoggerName() + ": " + e.getThrown();
    }

    private static void wave(Path dir, Map<String, String> files) throws Exception {
        Files.createDirectories(dir);
        for (var f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
    }
}
