package io.ecompipeline.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The one way the set-based steps run a statement whose parameters are all text (batch ids, keys). */
public final class Jdbc {

    private Jdbc() {
    }

    /** Runs an INSERT, UPDATE, DELETE or DDL statement on the caller's connection; returns the rows it changed. */
    public static int update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }
}
