package io.ecompipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clear errors for bad arguments, a missing input folder and an unreachable endpoint (docs/contract.md §6). */
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
        // values are checked before anything starts (a start takes 10-30 s)
        assertThat(run("generate", "--days", "abc").stderr()).contains("--days must be a whole number of days above 0");
        assertThat(run("generate", "--scale", "-2").stderr()).contains("--scale must be a number above 0");
        assertThat(run("generate", "--seed", "x1").stderr()).contains("--seed must be a whole number");
        assertThat(run("generate", "--through", "2099-01-01").stderr()).contains("is in the future");
        assertThat(run("generate", "--through", "June").stderr()).contains("--through must be a date like");
        assertThat(run("ingest", "--input", tmp.toString(), "--output", tmp.resolve("o").toString(), "--timeout",
                "soon").stderr()).contains("--timeout must be a duration like 10m");
    }

    @Test
    void aCommandsHelpIsItsOwnUsageAndStartsNothing() {
        assertThat(run("run", "--help").code()).isZero();
        assertThat(Cli.usageOf("ingest")).startsWith("usage: ecom-pipeline ingest").contains("--timeout DURATION")
                .doesNotContain("generate [--mode M]");
        assertThat(Cli.usageOf("generate")).contains("--days-per-commit N").doesNotContain("--input DIR");
        assertThat(Cli.usageOf("run")).contains("the long-running service").doesNotContain("demo");
        assertThat(Cli.usageOf("frobnicate")).isEqualTo(Cli.USAGE);
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
