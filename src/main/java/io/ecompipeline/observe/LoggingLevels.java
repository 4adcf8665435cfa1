package io.ecompipeline.observe;

import java.util.Map;
import java.util.TreeMap;

import javax.management.JMException;

import io.ecompipeline.common.PlatformMBeans;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels changeable at run time, as the MBean {@code io.ecompipeline:type=Logging}: through Jolokia
 * ({@code /observe/jolokia}, docs/operating.md "Log levels at run time") or any JMX client. {@code setLevel} is an
 * operation the Jolokia policy allows only behind the operator's login (observe/JolokiaPolicy), like route start and
 * stop: DEBUG or TRACE of a busy logger fills a disk. Levels are set in Log4j2's running configuration (its
 * {@link Configurator}), so they hold until the next restart, when log4j2.xml applies again.
 * <p>
 * A Camel service of the context: registered in the platform MBean server (where Camel's MBeans are and Jolokia reads)
 * while the application runs.
 */
public class LoggingLevels extends ServiceSupport implements LoggingLevelsMBean {

    public static final String NAME = "io.ecompipeline:type=Logging";
    private static final Logger LOG = LoggerFactory.getLogger(LoggingLevels.class);
    private static final String ROOT = "root";

    @Override
    public Map<String, String> getLevels() {
        Map<String, String> levels = new TreeMap<>();
        for (LoggerConfig config : context().getConfiguration().getLoggers().values()) {
            String name = config.getName().isEmpty() ? ROOT : config.getName();
            levels.put(name, String.valueOf(config.getLevel()));
        }
        return levels;
    }

    @Override
    public String getLevel(String logger) {
        return String.valueOf(context().getLogger(loggerName(logger)).getLevel());
    }

    @Override
    public String setLevel(String logger, String level) {
        Level wanted = level == null ? null : Level.getLevel(level.trim().toUpperCase(java.util.Locale.ROOT));
        if (wanted == null || logger == null || logger.isBlank()) {
            throw new IllegalArgumentException("setLevel(logger, level): a logger name (or root) and one of TRACE, "
                    + "DEBUG, INFO, WARN, ERROR, OFF, not " + logger + ", " + level);
        }
        String name = loggerName(logger.trim());
        String before = getLevel(logger.trim());
        if (name.isEmpty()) {
            Configurator.setRootLevel(wanted);
        } else {
            Configurator.setLevel(name, wanted);
        }
        String change = (name.isEmpty() ? ROOT : name) + ": " + before + " -> " + wanted;
        LOG.info("Log level changed at run time (until the next restart): {}", change);
        return change;
    }

    @Override
    protected void doStart() throws JMException {
        PlatformMBeans.register(this, NAME);
    }

    @Override
    protected void doStop() {
        PlatformMBeans.unregister(NAME);
    }

    private static String loggerName(String logger) {
        return ROOT.equalsIgnoreCase(logger) ? LogManager.ROOT_LOGGER_NAME : logger;
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }
}
