package io.ecompipeline.config;

import java.util.Map;

/**
 * The Step Functions resources this instance works with, found (or created) at start-up by StartupConfiguration.
 *
 * @param activityNames activity name by its role ({@code validate-file}, ..., the {@code pipeline.sfn.activity.*} keys)
 * @param activityArns activity ARN by activity name
 * @param ingestStateMachine the ingest state machine's ARN
 * @param where where Step Functions is, for the log
 */
public record StepFunctionsArns(Map<String, String> activityNames, Map<String, String> activityArns,
        String ingestStateMachine, String where) {
}
