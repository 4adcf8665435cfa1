package io.ecompipeline.observe;

import java.util.Map;

/** {@code io.ecompipeline:type=Logging}: the log levels, read by anyone, set by the operator (see {@link LoggingLevels}). */
public interface LoggingLevelsMBean {

    /** The loggers the configuration names (the root as {@code root}) and their levels. */
    Map<String, String> getLevels();

    /** The level a logger logs at: its own, or the one it inherits. */
    String getLevel(String logger);

    /** Sets a logger's level (TRACE, DEBUG, INFO, WARN, ERROR, OFF) until the next restart; says what changed. */
    String setLevel(String logger, String level);
}
