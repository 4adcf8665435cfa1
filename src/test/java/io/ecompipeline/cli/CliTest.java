package io.ecompipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clear errors for bad arguments, a missing input folder and an unreachable endpoint (CONTRACT §6). */
class CliTest {

    @TempDir
    Path tmp;

    private record Outcome(int code, String stderr) {
    }

    private static Outcome run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Outcome(Cli.run(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run()).satisfies(o -> {
            assertThat(o.code()).isEqualTo(2);
            assertThat(o.stderr()).contains("error: no command given").contains("usage: ecom-pipeline");
        });
        assertThat(run("frobnicate").stderr()).contains("unknown command 'frobnicate'");
        assertThat(run("ingest", "--input", tmp.toString()).stderr()).contains("ingest needs --input DIR and --output DIR");
        assertThat(run("ingest", "--input", tmp.toString(), "--output", "x", "--colour", "red").stderr())
                .contains("unknown option --colour");
        assertThat(run("ingest", "--input").stderr()).contains("option --input needs a value");
        assertThat(run("demo", "--fast", "yes").code()).isEqualTo(2);
        assertThat(run("generate", "--mode", "sideways").stderr())
                .contains("--mode must be auto, initial, incremental or reload");
        assertThat(run("generate", "--export", "maybe").stderr()).contains("--export must be true or false");
        assertThat(run("generate", "--days").stderr()).contains("option --days needs a value");
    }

    @Test
    void exportHistoryIsAFlag() {
        assertThat(Cli.options(java.util.List.of("--export-history", "--days", "3")))
                .containsEntry("export-history", "true").containsEntry("days", "3");
        assertThat(Cli.options(java.util.List.of("--days", "3", "--export-history")))
                .containsEntry("export-history", "true");
        assertThat(Cli.options(java.util.List.of("--export-history", "false")))
                .containsEntry("export-history", "false");
    }

    @Test
    void missingInputFolderIsNamed() {
        Outcome o = run("ingest", "--input", tmp.resolve("nope").toString(), "--output", tmp.resolve("out").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.stderr()).contains("input folder").contains("nope").contains("does not exist");
    }

    @Test
    void unreachableEndpointStopsStartWithItsAddress() throws Exception {
        Map<String, String> dead = Map.of("pipeline.s3.endpoint", "http://127.0.0.1:9", "pipeline.dynamodb.endpoint",
                "http://127.0.0.1:9", "pipeline.jdbc.url", "jdbc:postgresql://127.0.0.1:9/ecom",
                "pipeline.aws.access-key", "x", "pipeline.aws.secret-key", "y");
        dead.forEach(System::setProperty);
        try {
            Outcome o = run("ingest", "--input", tmp.toString(), "--output", tmp.resolve("out").toString());
            assertThat(o.code()).isEqualTo(3);
            assertThat(o.stderr()).contains("error: Cannot reach S3 bucket ecommerce-data at http://127.0.0.1:9");
        } finally {
            dead.keySet().forEach(System::clearProperty);
        }
    }
}
