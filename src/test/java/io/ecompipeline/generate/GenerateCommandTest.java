package io.ecompipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bin/ecom-pipeline generate} as a process on shared servers (as when pointed at a running {@code run}): it
 * refuses what the shop does not allow in one line, and it collects or processes nothing of the pipeline's.
 */
class GenerateCommandTest {

    @TempDir
    Path work;

    @Test
    void incrementalOnAnEmptyShopIsRefusedInOneLineAndGenerateLeavesIncomingAlone() throws Exception {
        GeneratorTest.fresh().close(); // empty servers, the bucket provisioned
        Map<String, String> settings = new TreeMap<>();
        settings.put("pipeline.poll.delay", "200"); // a poller, if one ran, would collect at once
        try (ChildPipeline child = ChildPipeline.start(TestPipeline.services(), settings, work.resolve("refused.log"),
                "generate", "--mode", "incremental")) {
            assertThat(child.awaitExit(120_000)).isEqualTo(3);
            String out = child.output();
            assertThat(out).contains("error: generate: mode incremental: the shop is empty")
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(" ERROR ");
            assertThat(out.lines().filter(l -> l.startsWith("error:"))).hasSize(1);
        }
        assertThat(GeneratorTest.count("SELECT count(*) FROM shop.generated_days")).isZero();

        String waiting = "incoming/orders_2026-01-01_1.csv";
        try (S3Client s3 = Clients.s3(TestPipeline.services())) {
            s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key(waiting),
                    RequestBody.fromString("order_id,user_id,order_date,total_amount,status\n1,1,2026-01-01,5,shipped\n"));
            try (ChildPipeline child = ChildPipeline.start(TestPipeline.services(), settings,
                    work.resolve("generate.log"), "generate", "--mode", "initial", "--days", "3", "--scale", "0.05",
                    "--seed", "7", "--through", GeneratorTest.THROUGH.toString())) {
                assertThat(child.awaitExit(180_000)).isZero();
                assertThat(child.output()).contains("generate initial success: 3 day(s) 2026-03-29..2026-03-31, "
                        + "scale 0.05 and seed 7 (given)").doesNotContain(" ERROR ").doesNotContain(" WARN ");
            }
            assertThat(s3.listObjectsV2(b -> b.bucket(TestPipeline.BUCKET)).contents())
                    .extracting(o -> o.key())
                    .as("the file under incoming/ is left alone: nothing collected, no batch")
                    .contains(waiting).noneMatch(k -> k.startsWith("collected/") || k.startsWith("archive/"));
        }
        assertThat(GeneratorTest.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'pipeline' "
                + "AND tablename = 'batches'") == 0
                || GeneratorTest.count("SELECT count(*) FROM pipeline.batches") == 0).isTrue();
    }
}
