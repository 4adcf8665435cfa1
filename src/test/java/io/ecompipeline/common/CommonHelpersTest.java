package io.ecompipeline.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** The shared helpers of common/ on their own: the SQL script splitter, the hash and the cause-chain texts. */
class CommonHelpersTest {

    @Test
    void aScriptSplitsAtSemicolonsThatEndALineAndDropsCommentLines() {
        String script = """
                -- a comment; with a semicolon
                CREATE TABLE a (
                    -- a column's comment
                    x int
                );
                CREATE INDEX b ON a (x);   \s
                SELECT ';' AS text;""";
        assertThat(SqlScripts.statements(script)).containsExactly("CREATE TABLE a (\n    x int\n)",
                "CREATE INDEX b ON a (x)", "SELECT ';' AS text");
    }

    @Test
    void theSchemaScriptsSplitIntoStatements() throws Exception {
        for (String resource : new String[] {"/sql/schema.sql", "/sql/shop-schema.sql"}) {
            String text;
            try (var in = SqlScripts.class.getResourceAsStream(resource)) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertThat(SqlScripts.statements(text)).as(resource).isNotEmpty()
                    .allSatisfy(s -> assertThat(s).doesNotContain(";").doesNotContain("--").matches("(?s)[A-Z].*"));
        }
    }

    @Test
    void sha256HexIsThePrefixOfTheDigest() {
        // FIPS 180-2's example: SHA-256("abc") = ba7816bf 8f01cfea 414140de ...
        assertThat(Hashes.sha256Hex("abc", 8)).isEqualTo("ba7816bf8f01cfea");
        assertThat(Hashes.sha256Hex("abc", 3)).isEqualTo("ba7816");
        assertThat(Hashes.sha256("abc")).hasSize(32);
    }

    @Test
    void causeChainTexts() {
        Exception error = new IllegalStateException("apply failed",
                new SQLException("connection lost", new ConnectException("Connection refused")));
        assertThat(Errors.withCauses(error)).isEqualTo("apply failed (connection lost) (Connection refused)");
        assertThat(Errors.rootMessage(error)).isEqualTo("apply failed (Connection refused)");
        assertThat(Errors.rootMessage(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat((Object) Errors.find(error, SQLException.class)).isSameAs(error.getCause());
        assertThat(Errors.find(error, NumberFormatException.class)).isNull();
        assertThat(Errors.chain(error).toList()).hasSize(3);
    }
}
