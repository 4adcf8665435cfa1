package io.ecompipeline.support;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the log events of this JVM while attached, for tests that read the log: as events (with their context
 * data), as lines (level, logger, message), and formatted as the console shows them.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One captured line: level, logger name and formatted message. */
    public record Line(String level, String logger, String message) {
    }

    private final List<LogEvent> events = new ArrayList<>();
    private final List<String> formatted = new ArrayList<>();

    private LogCapture(Layout<?> consoleLayout) {
        super("log-capture-" + System.nanoTime(), null, consoleLayout, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture attach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        Layout<?> layout = ((AbstractOutputStreamAppender<?>) config.getAppender("console")).getLayout();
        LogCapture capture = new LogCapture(layout);
        capture.start();
        config.getRootLogger().addAppender(capture, null, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public synchronized void append(LogEvent event) {
        events.add(event.toImmutable());
        formatted.add(String.valueOf(getLayout().toSerializable(event)));
    }

    public synchronized List<LogEvent> events() {
        return List.copyOf(events);
    }

    /** The lines as the console pattern formats them (batch id included). */
    public synchronized List<String> formatted() {
        return List.copyOf(formatted);
    }

    public synchronized List<Line> lines() {
        return events.stream().map(e -> new Line(e.getLevel().name(), e.getLoggerName(),
                e.getMessage().getFormattedMessage())).toList();
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
