package io.ecompipeline.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

/** Typed reads of the {@code pipeline.*} configuration (application.properties, system properties, env). */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String get(String key) {
        return properties.resolveProperty(key).map(String::trim)
                .orElseThrow(() -> new IllegalStateException("Missing configuration property " + key));
    }

    /** The value, or null when the property is absent or blank. */
    public String optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    /** {@code value} trimmed, or null when it is null or blank (an optional key left empty). */
    public static String orNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** A duration such as {@code 30m}, {@code 1h30m}, {@code 500ms} or plain milliseconds. */
    public long getMillis(String key) {
        return TimeUtils.toMilliSeconds(get(key));
    }

    public java.time.Duration getDuration(String key) {
        return java.time.Duration.ofMillis(getMillis(key));
    }

    /**
     * A key as the application will resolve it, for decisions taken before Camel starts: {@code overrides}, then
     * system properties, then the environment ({@code pipeline.bucket -> PIPELINE_BUCKET}), then
     * application.properties.
     */
    public static UnaryOperator<String> beforeStart(Map<String, String> overrides) {
        Properties defaults = new Properties();
        try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                defaults.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return key -> {
            if (overrides.containsKey(key)) {
                return overrides.get(key);
            }
            String value = System.getProperty(key);
            if (value == null) {
                value = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
            }
            return value != null ? value : defaults.getProperty(key);
        };
    }
}
