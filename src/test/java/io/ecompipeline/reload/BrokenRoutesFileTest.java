package io.ecompipeline.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A routes file left broken on disk (docs/operating.md "Editing routes live"): the next start fails with one line
 * naming the file and the cause, exit code 3, no stack trace.
 */
class BrokenRoutesFileTest {

    @TempDir
    Path folder;

    @Test
    void aBrokenRoutesFileStopsTheNextStartWithOneLineNamingIt() throws Exception {
        for (String name : List.of("ingest.camel.yaml", "batch.camel.yaml", "kpi.camel.yaml",
                "curated.camel.yaml")) {
            Files.copy(Path.of("src/main/resources/routes", name), folder.resolve(name));
        }
        Path ingest = folder.resolve("ingest.camel.yaml");
        Files.writeString(ingest, Files.readString(ingest).replace("    from:\n", "    from: [\n"));
        Path log = Path.of("target/broken-routes-file-test/start.log");
        Files.deleteIfExists(log);
        try (ChildPipeline app = ChildPipeline.start(TestPipeline.services(), Map.of("pipeline.routes.dir",
                folder.toString(), "pipeline.generator.schedule-enabled", "false"), log)) {
            int exit = app.awaitExit(180_000);
            String output = app.output();
            assertThat(exit).as(output).isEqualTo(3);
            List<String> errors = output.lines().filter(l -> l.contains("error") || l.contains("ERROR")
                    || l.contains("Exception")).toList();
            assertThat(errors).as(output).hasSize(1);
            assertThat(errors.get(0)).as(output).startsWith("error: Routes file " + ingest + " could not be loaded: ")
                    .contains("line");
            assertThat(output).doesNotContain("\tat ").doesNotContain("is running");
        }
    }
}
