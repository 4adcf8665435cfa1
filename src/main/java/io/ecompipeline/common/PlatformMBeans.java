package io.ecompipeline.common;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the pipeline's own MBeans ({@code io.ecompipeline:type=...}) in the platform MBean server, where JMX
 * clients and Jolokia find them next to Camel's. One name, one MBean: a second application in the same JVM (tests)
 * replaces the first's, so the latest one answers.
 */
public final class PlatformMBeans {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformMBeans.class);

    private PlatformMBeans() {
    }

    public static void register(Object mbean, String name) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName objectName = new ObjectName(name);
        if (server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
        server.registerMBean(mbean, objectName);
    }

    /** On stop: never fails the stop (a debug line if the name was already gone or could not be removed). */
    public static void unregister(String name) {
        try {
            ObjectName objectName = new ObjectName(name);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
        } catch (JMException | RuntimeException e) {
            LOG.debug("Could not unregister {}: {}", name, Errors.withCauses(e));
        }
    }
}
