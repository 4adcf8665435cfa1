package io.ecompipeline.orchestrate.stepfunctions;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The worker routes' GetActivityTask long polls, on an SDK client of their own ({@code sfnPollClient}). Step Functions
 * holds a poll up to 60 s, longer than the shutdown timeout, and a blocking HTTP read cannot be interrupted: so when
 * the application starts to stop, this client is closed, which ends the open polls at once (their connections are
 * closed), and the workers poll no more. Steps already running are not affected (they report on {@code sfnClient}) and
 * end within the shutdown timeout. A task Step Functions hands to a poll in the instant it is cut is not lost: with no
 * heartbeat from a worker it times out and the state machine retries it (as after a worker crash).
 */
public class ActivityPolls extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityPolls.class);

    private final SfnClient client;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public ActivityPolls(SfnClient client) {
        this.client = client;
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /** Ends the polls when the context begins to stop (before the routes are shut down and waited for). */
    public void install(CamelContext context) throws Exception {
        context.getManagementStrategy().addEventNotifier(this);
        context.addService(this);
    }

    public SfnClient client() {
        return client;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        stopPolling();
    }

    /** True once the application stops: a failed poll is then the poll this class ended, not a fault. */
    public boolean stopping() {
        return stopping.getCount() == 0;
    }

    /** Waits before the next poll after a failed one, or less when the application stops meanwhile. */
    public void pause(long millis) throws InterruptedException {
        stopping.await(millis, TimeUnit.MILLISECONDS);
    }

    private synchronized void stopPolling() {
        if (stopping()) {
            return;
        }
        stopping.countDown();
        LOG.debug("Ending the open GetActivityTask polls");
        client.close();
    }

    @Override
    protected void doStop() throws Exception {
        stopPolling(); // also when the context stops without a stopping event (a failed start)
        super.doStop();
    }
}
