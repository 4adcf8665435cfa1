package io.ecompipeline.observe;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers Camel's {@code camel.exchanges.last.timestamp} gauge before any exchange runs. Camel 4.17's exchange
 * event notifier registers it when an exchange is done, with a find-then-register that two threads finishing their
 * first exchanges at the same moment both pass; Micrometer then logs a WARN ("This Gauge has been already
 * registered") that an operator cannot act on. Registered here first, over the notifier's own holder (a private
 * static field), the notifier finds it and only updates the value. Should a later Camel rename the field, this does
 * nothing and says so at DEBUG.
 */
public final class LastExchangeGauge {

    private static final Logger LOG = LoggerFactory.getLogger(LastExchangeGauge.class);
    static final String NAME = "camel.exchanges.last.timestamp";

    private LastExchangeGauge() {
    }

    public static void registerEarly(MeterRegistry registry) {
        if (registry.find(NAME).gauge() != null) {
            return;
        }
        try {
            Field holder = MicrometerExchangeEventNotifier.class.getDeclaredField("lastExchangeTimestampHolder");
            holder.setAccessible(true);
            AtomicLong timestamp = (AtomicLong) holder.get(null);
            Gauge.builder(NAME, timestamp, AtomicLong::doubleValue)
                    .description("Last exchange processed time in milliseconds since the Unix epoch")
                    .strongReference(true).register(registry);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not pre-register {} ({}); Camel registers it on the first exchange", NAME, e.toString());
        }
    }
}
