package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab sample (9,000 orders, 27,007 lines) through S3, the aggregator, validation, PostgreSQL and DynamoDB. */
class LabSampleIngestTest {

    static final Path LAB_SAMPLE = Path.of("src/test/resources/lab-sample");

    @TempDir
    Path out;

    @Test
    void labSampleGivesTheContractsKpisAndArchivesEveryFile() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            assertThat(pipeline.ingest(LAB_SAMPLE, out)).isZero();

            Map<String, List<String>> orders = TestPipeline.byKey(TestPipeline.readCsv(out.resolve("order_kpis.csv")), 1);
            // known values of the lab sample (src/test/resources/lab-sample.md)
            assertThat(orders.get("2025-03-14")).containsExactly("292", "68190.83", "867", "0.1952", "286");
            Map<String, List<String>> categories = TestPipeline.byKey(TestPipeline.readCsv(out.resolve("category_kpis.csv")), 2);
            assertThat(categories.get("Electronics|2025-03-14")).containsExactly("8525.10", "90.69", "0.1596");

            ReferenceKpis expected = ReferenceKpis.of(LAB_SAMPLE);
            assertThat(orders).isEqualTo(expected.orderKpis);
            assertThat(categories).isEqualTo(expected.categoryKpis);

            List<List<String>> files = TestPipeline.readCsv(out.resolve("files.csv"));
            assertThat(files).hasSize(26).allSatisfy(f -> assertThat(f.get(1)).isEqualTo("archived"));
            String batchId = files.get(0).get(2);
            assertThat(files).allSatisfy(f -> assertThat(f.get(2)).isEqualTo(batchId));

            // nothing lost: every input file is archived byte for byte, nothing is left behind
            Map<String, byte[]> objects = pipeline.objects();
            try (Stream<Path> inputs = Files.list(LAB_SAMPLE).filter(p -> p.toString().endsWith(".csv"))) {
                for (Path input : inputs.toList()) {
                    assertThat(objects.get("archive/" + batchId + "/" + input.getFileName()))
                            .as(input.getFileName().toString()).isEqualTo(Files.readAllBytes(input));
                }
            }
            pipeline.assertNothingLost(LAB_SAMPLE);
            assertThat(objects).containsKey("reports/" + batchId + ".json");
            assertThat(Files.exists(out.resolve("reports").resolve(batchId + ".json"))).isTrue();
        }
    }
}
