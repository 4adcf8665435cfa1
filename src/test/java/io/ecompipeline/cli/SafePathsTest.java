package io.ecompipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names taken from S3 keys never lead outside the output folder of {@code ingest --output}. */
@Tag("unit")
class SafePathsTest {

    @TempDir
    Path out;

    @Test
    void keysCannotEscapeTheOutputFolder() throws Exception {
        for (String name : new String[] {"../../etc/passwd", "..", ".", "a/../../b", "/abs/path", "sub\\..\\x",
                "nul\u0000byte", "ü n ï ✓.csv", "x".repeat(1000)}) {
            Path p = SafePaths.inside(out, "rejected", "batch", name);
            assertThat(p.normalize()).startsWithRaw(out.toAbsolutePath().normalize().resolve("rejected").resolve("batch"));
            assertThat(p.getFileName().toString().length()).isLessThanOrEqualTo(200);
        }
    }
}
