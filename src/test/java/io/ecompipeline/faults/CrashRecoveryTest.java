package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.ecompipeline.support.CrashScenario;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service killed with SIGKILL at random instants (collecting, validating, applying, writing KPIs, archiving; the
 * first kill always while a batch's files are being validated in parallel) and restarted: the KPIs and the S3 layout equal a clean run's. Two instances on the same bucket: the same.
 */
class CrashRecoveryTest {

    @TempDir
    Path work;

    @Test
    void killedAndRestartedServiceEndsLikeACleanRun() throws Exception {
        Path input = CrashScenario.labSampleWaves(Path.of("src/test/resources/lab-sample"), work.resolve("in"));
        CrashScenario.Result result = new CrashScenario(TestPipeline.services(), work).run(input, 42L, 4, 1);
        assertThat(result.kills()).isPositive();
        assertThat(result.killPhases()).first().isEqualTo(CrashScenario.VALIDATING); // mid parallel validation
        assertThat(result.divergences()).isEmpty();
        // no credential reaches a log (the embedded servers' keys stand in for real ones)
        try (var logs = java.nio.file.Files.list(Path.of("target/fault-logs/seed-42-instances-1"))) {
            for (Path log : logs.toList()) {
                assertThat(java.nio.file.Files.readString(log)).doesNotContain(TestPipeline.services().secretKey());
            }
        }
    }

    @Test
    void twoInstancesOnOneBucketEndLikeOne() throws Exception {
        Path input = CrashScenario.labSampleWaves(Path.of("src/test/resources/lab-sample"), work.resolve("in"));
        CrashScenario.Result result = new CrashScenario(TestPipeline.services(), work).run(input, 7L, 0, 2);
        assertThat(result.divergences()).isEmpty();
    }
}
