package io.ecompipeline.support;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects the log events of this JVM (level, logger, message) while attached, for tests that read the log. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One captured line: level, logger name and formatted message. */
    public record Line(String level, String logger, String message) {
    }

    private final List<Line> lines = new ArrayList<>();

    private LogCapture() {
        super("log-capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture attach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture();
        capture.start();
        context.getConfiguration().getRootLogger().addAppender(capture, null, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public synchronized void append(LogEvent event) {
        lines.add(new Line(event.getLevel().name(), event.getLoggerName(), event.getMessage().getFormattedMessage()));
    }

    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Messages containing {@code text}. */
    public List<Line> containing(String text) {
        return lines().stream().filter(l -> l.message().contains(text)).toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
