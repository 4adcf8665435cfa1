package io.ecompipeline.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

/**
 * The one way a schema script from the classpath is applied ({@code sql/schema.sql} at the pipeline's start,
 * {@code sql/shop-schema.sql} at each generator run). The scripts are idempotent ({@code IF NOT EXISTS}, with an
 * explicit upgrade section for databases made by earlier versions), so they run at every start rather than being
 * tracked as migrations. A script runs in one transaction under a transaction-scoped advisory lock: two instances
 * starting together wait for each other instead of racing on the same {@code CREATE}, and a statement that fails
 * leaves nothing half-applied. The format is plain: statements end with {@code ;} at the end of a line, and whole
 * lines starting with {@code --} are comments (they may contain semicolons).
 */
public final class SqlScripts {

    private SqlScripts() {
    }

    /**
     * Runs every statement of the classpath resource {@code resource} in one transaction, holding the advisory lock
     * {@code lockKey} (each script keeps the key it has always used, so an instance of an earlier version starting at
     * the same time waits too).
     */
    public static void apply(DataSource dataSource, String resource, long lockKey) throws SQLException {
        List<String> statements = statements(read(resource));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                s.execute("SELECT pg_advisory_xact_lock(" + lockKey + ")");
                for (String sql : statements) {
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The script's statements, without comment lines and without their closing semicolons. */
    static List<String> statements(String script) {
        String code = script.lines().filter(l -> !l.trim().startsWith("--")).collect(Collectors.joining("\n"));
        List<String> statements = new ArrayList<>();
        for (String statement : code.split(";[ \\t]*(\\n|$)")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    private static String read(String resource) {
        try (InputStream in = SqlScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL script " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
