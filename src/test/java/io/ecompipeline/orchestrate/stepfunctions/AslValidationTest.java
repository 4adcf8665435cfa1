package io.ecompipeline.orchestrate.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.support.StateMachineHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check the build runs in its {@code validate} phase (src/test/sfn/validate.mjs) passes the files of asl/ and
 * rejects broken copies of them, so a broken definition fails the build.
 */
class AslValidationTest {

    @TempDir
    Path dir;

    private record Result(int exit, String output) {
    }

    private static Result validate(Path aslDir) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", "validate.mjs", aslDir.toAbsolutePath().toString())
                .directory(StateMachineHarness.SFN_DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return new Result(node.exitValue(), output);
    }

    private Result validateEdited(String file, String from, String to) throws IOException, InterruptedException {
        String text = Files.readString(StateMachineHarness.ASL_DIR.resolve(file));
        assertThat(text).contains(from);
        Files.writeString(dir.resolve(file), text.replace(from, to));
        return validate(dir);
    }

    @Test
    void definitionsInTheRepositoryAreValid() throws Exception {
        Result result = validate(StateMachineHarness.ASL_DIR);
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("valid   ingest-batch.asl.json", "valid   daily-generation.asl.json");
    }

    @Test
    void brokenTransitionIsRejected() throws Exception {
        Result result = validateEdited("ingest-batch.asl.json", "\"Next\": \"FinishBatch\"", "\"Next\": \"Nowhere\"");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("INVALID ingest-batch.asl.json", "Nowhere");
    }

    @Test
    void activityWithoutHeartbeatIsRejected() throws Exception {
        Result result = validateEdited("daily-generation.asl.json", "\"HeartbeatSeconds\": 300,", "");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("Generate: activity task without HeartbeatSeconds");
    }

    @Test
    void jsonataFieldsAreRejected() throws Exception {
        Result result = validateEdited("daily-generation.asl.json", "\"ResultPath\": \"$.generation\",",
                "\"Assign\": {\"x\": 1},");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("Generate: Assign");
    }

    @Test
    void unknownPlaceholderIsRejected() throws Exception {
        Result result = validateEdited("ingest-batch.asl.json", "${LockTable}", "${LockTabel}");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("unknown placeholder ${LockTabel}");
    }
}
