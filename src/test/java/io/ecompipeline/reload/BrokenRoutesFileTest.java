package io.ecompipeline.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A routes file left broken on disk (docs/operating.md "Editing routes live"): not YAML, YAML with an unknown step,
 * or a step naming an endpoint no component serves. The next start fails with one line naming the file and the
 * cause, exit code 3, no stack trace.
 */
class BrokenRoutesFileTest {

    @TempDir
    Path folder;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not YAML            | 'description: Polls'       | 'description: [Polls'      | Routes file {file} could not be loaded: | line",
        "an unknown step     | '- to: direct:collect-batch' | '- tox: direct:collect-batch' | Routes file {file} could not be loaded: Unknown node id: tox | (line ",
        "an unknown endpoint | '- to: direct:collect-batch' | '- to: tox:collect-batch'   | Route ingest-poll-s3 (routes file {file}) could not be started: No endpoint could be found for: tox://collect-batch | tox"})
    void aBrokenRoutesFileStopsTheNextStartWithOneLineNamingIt(String breakage, String text, String broken,
            String expected, String detail) throws Exception {
        for (String name : List.of("ingest.camel.yaml", "batch.camel.yaml", "kpi.camel.yaml",
                "curated.camel.yaml")) {
            Files.copy(Path.of("src/main/resources/routes", name), folder.resolve(name));
        }
        Path ingest = folder.resolve("ingest.camel.yaml");
        String original = Files.readString(ingest);
        Files.writeString(ingest, original.replaceFirst(Pattern.quote(text), broken));
        assertThat(Files.readString(ingest)).as("the file is broken").isNotEqualTo(original);
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
            assertThat(errors.get(0)).as(output).startsWith("error: " + expected.replace("{file}", ingest.toString()))
                    .contains(detail);
            assertThat(output).doesNotContain("\tat ").doesNotContain("is running");
        }
    }
}
