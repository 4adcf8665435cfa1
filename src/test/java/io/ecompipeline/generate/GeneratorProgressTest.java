package io.ecompipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.ecompipeline.support.LogCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A long commit is not silent: a progress line every interval, whatever the run is doing. */
@Tag("unit")
class GeneratorProgressTest {

    @Test
    void aLineEveryIntervalWhileDaysAreSimulatedAndWrittenBeforeAnyCommit() throws Exception {
        try (LogCapture log = LogCapture.attach(); GeneratorProgress progress = new GeneratorProgress(30, 50)) {
            for (int day = 1; day <= 6; day++) {
                progress.simulated("2026-03-0" + day);
                Thread.sleep(60);
            }
            progress.doing("writing 2026-03-01..2026-03-30 to PostgreSQL");
            Thread.sleep(150);
            var lines = log.containing("Generator progress:");
            assertThat(lines).as("one line at least every 50 ms of a 510 ms commit").hasSizeGreaterThanOrEqualTo(5);
            assertThat(lines.get(0).message()).contains("0/30 days committed").contains("simulating 2026-03-0");
            assertThat(lines.get(lines.size() - 1).message()).contains("(6 simulated)")
                    .contains("now writing 2026-03-01..2026-03-30 to PostgreSQL");
            progress.committed(30, Map.of("orders", 1200L));
            progress.log();
            assertThat(log.containing("Generator progress:").get(log.containing("Generator progress:").size() - 1)
                    .message()).contains("30/30 days committed").contains("ETA 0s");
        }
    }
}
