package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.ecompipeline.support.CrashScenario;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service killed with SIGKILL at random instants (collecting, validating, applying, writing KPIs, archiving) and
 * restarted: the KPIs and the S3 layout equal a clean run's. Two instances on the same bucket: the same.
 */
class CrashRecoveryTest {

    @TempDir
    Path work;

    @Test
    void killedAndRestartedServiceEndsLikeACleanRun() throws Exception {
        Path input = CrashScenario.labSampleWaves(Path.of("src/test/resources/lab-sample"), work.resolve("in"));
        CrashScenario.Result result = new CrashScenario(TestPipeline.services(), work).run(input, 42L, 4, 1);
        assertThat(result.kills()).isPositive();
        assertThat(result.divergences()).isEmpty();
    }

    @Test
    void twoInstancesOnOneBucketEndLikeOne() throws Exception {
        Path input = CrashScenario.labSampleWaves(Path.of("src/test/resources/lab-sample"), work.resolve("in"));
        CrashScenario.Result result = new CrashScenario(TestPipeline.services(), work).run(input, 7L, 0, 2);
        assertThat(result.divergences()).isEmpty();
    }
}
