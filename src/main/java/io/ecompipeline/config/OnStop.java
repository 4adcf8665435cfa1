package io.ecompipeline.config;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Runs an action when the Camel context stops (a pool to close, a lease to give back), in reverse order of adding. */
final class OnStop {

    private OnStop() {
    }

    static void run(CamelContext context, Runnable action) throws Exception {
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                action.run();
            }
        });
    }
}
