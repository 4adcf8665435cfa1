package io.ecompipeline.orchestrate.stepfunctions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ActivityListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/**
 * The state machines and activities of Step Functions mode, found by name (ListStateMachines / ListActivities) and,
 * when provisioning, the missing ones created: the activities first (their ARN gives the {@code ActivityArnPrefix}),
 * then the state machines from the {@code asl/} files shipped in the jar, with their {@code ${Name}} placeholders
 * substituted. What exists is left as it is (deployments update it with their own tooling), so a restart creates
 * nothing and needs no create permission.
 */
public final class StepFunctionsResources {

    private static final Logger LOG = LoggerFactory.getLogger(StepFunctionsResources.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9]*)}");

    private final SfnClient sfn;

    public StepFunctionsResources(SfnClient sfn) {
        this.sfn = sfn;
    }

    /** Creates the activities that do not exist yet and returns the ARNs of all of them by name. */
    public Map<String, String> createActivities(List<String> names) {
        Map<String, String> listed = listActivities();
        Map<String, String> arns = new LinkedHashMap<>();
        for (String name : names) {
            String arn = listed.get(name);
            if (arn == null) {
                arn = sfn.createActivity(b -> b.name(name)).activityArn();
                LOG.info("Created activity {}", name);
            }
            arns.put(name, arn);
        }
        return arns;
    }

    /** Creates the state machine from {@code asl/<file>} unless one of that name exists; returns its ARN. */
    public String createStateMachine(String name, String aslResource, Map<String, String> placeholders,
            String roleArn) {
        String existing = findStateMachine(name);
        if (existing != null) {
            return existing;
        }
        String definition = substitute(read(aslResource), placeholders);
        String arn;
        try {
            arn = sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(roleArn)).stateMachineArn();
        } catch (StateMachineAlreadyExistsException e) {
            // another instance starting at the same time created it first
            existing = findStateMachine(name);
            if (existing == null) {
                throw e;
            }
            return existing;
        }
        LOG.info("Created state machine {} from {}", name, aslResource);
        return arn;
    }

    /** The ARNs of the named activities, by name, from one listing; a missing one fails naming it. */
    public Map<String, String> activityArns(Collection<String> names) {
        Map<String, String> listed = listActivities();
        Map<String, String> arns = new LinkedHashMap<>();
        for (String name : names) {
            String arn = listed.get(name);
            if (arn == null) {
                throw new IllegalStateException("Step Functions activity " + name + " not found (create it, or set "
                        + "pipeline.provision-resources=true)");
            }
            arns.put(name, arn);
        }
        return arns;
    }

    private Map<String, String> listActivities() {
        Map<String, String> listed = new HashMap<>();
        for (ActivityListItem a : sfn.listActivitiesPaginator(b -> b.maxResults(1000)).activities()) {
            listed.put(a.name(), a.activityArn());
        }
        return listed;
    }

    public String stateMachineArn(String name) {
        String arn = findStateMachine(name);
        if (arn == null) {
            throw new IllegalStateException("Step Functions state machine " + name + " not found (deploy asl/, or set "
                    + "pipeline.provision-resources=true)");
        }
        return arn;
    }

    private String findStateMachine(String name) {
        for (StateMachineListItem m : sfn.listStateMachinesPaginator(b -> b.maxResults(1000)).stateMachines()) {
            if (m.name().equals(name)) {
                return m.stateMachineArn();
            }
        }
        return null;
    }

    /** {@code arn:aws:states:REGION:ACCOUNT:activity:} from any activity ARN. */
    public static String activityArnPrefix(String activityArn) {
        return activityArn.substring(0, activityArn.lastIndexOf(':') + 1);
    }

    public static String account(String arn) {
        return arn.split(":")[4];
    }

    /** Replaces every {@code ${Name}}; an unknown name fails, so a typo cannot reach CreateStateMachine. */
    public static String substitute(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("Unknown placeholder " + m.group() + " in a state machine definition");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    static String read(String resource) {
        try (InputStream in = StepFunctionsResources.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
    }
}
