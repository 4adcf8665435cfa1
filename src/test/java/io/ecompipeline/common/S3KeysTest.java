package io.ecompipeline.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Derived keys stay within S3's 1,024 bytes (less 16 for a sibling such as {@code .error.json}): a key that fits is
 * kept as it is; a longer one keeps its prefix and the end of its name (extension included), never splits a
 * character, and two long names stay two keys.
 */
@Tag("unit")
class S3KeysTest {

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aKeyThatFitsIsKeptAsItIs() {
        assertThat(S3Keys.fit("archive/b1/", "orders_1.csv")).isEqualTo("archive/b1/orders_1.csv");
        String justFits = "d".repeat(S3Keys.MAX_KEY_BYTES - bytes("archive/"));
        assertThat(S3Keys.fit("archive/", justFits)).isEqualTo("archive/" + justFits);
    }

    @Test
    void aLongKeyKeepsItsPrefixAndTheEndOfItsNameWithinTheLimit() {
        String relative = "d".repeat(600) + "/orders_" + "x".repeat(600) + "_end.csv";
        String key = S3Keys.fit("rejected/0123456789abcdef/", relative);
        assertThat(bytes(key)).isEqualTo(S3Keys.MAX_KEY_BYTES);
        assertThat(key).startsWith("rejected/0123456789abcdef/").endsWith("x_end.csv");
        assertThat(S3Keys.fit("rejected/0123456789abcdef/", relative)).as("the same name, the same key").isEqualTo(key);
    }

    @Test
    void multiByteCharactersAreNeverSplit() {
        String relative = "é".repeat(700) + "😀.csv";
        String key = S3Keys.fit("quarantine/", relative);
        assertThat(bytes(key)).isLessThanOrEqualTo(S3Keys.MAX_KEY_BYTES);
        assertThat(new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(key).endsWith("é😀.csv").doesNotContain("\uFFFD");
    }

    @Test
    void twoLongNamesWithTheSameEndStayTwoKeys() {
        String end = "y".repeat(1100) + ".csv";
        assertThat(S3Keys.fit("archive/", "a/" + end)).isNotEqualTo(S3Keys.fit("archive/", "b/" + end));
    }
}
