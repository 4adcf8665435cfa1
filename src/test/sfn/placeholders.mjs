// The ${Name} placeholders of the ASL files (docs/step-functions.md), substituted textually as the app does before
// CreateStateMachine. These values only need to be syntactically what AWS would give.
import { readFileSync } from 'node:fs';

export const TEST_PLACEHOLDERS = {
  ActivityArnPrefix: 'arn:aws:states:eu-west-1:123456789012:activity:',
  LockTable: 'ProcessingLock',
  AlertsQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ecom-pipeline-alerts',
  GenerationStateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:ecom-pipeline-daily-generation',
  EventsRoleArn: 'arn:aws:iam::123456789012:role/ecom-pipeline-scheduler',
};

/** Replaces every ${Name}; an unknown name is an error, so a typo in a file cannot pass unnoticed. */
export function substitute(text, values = TEST_PLACEHOLDERS) {
  return text.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name) => {
    if (!(name in values)) throw new Error(`unknown placeholder ${whole}`);
    return values[name];
  });
}

export function loadDefinition(path, values = TEST_PLACEHOLDERS) {
  return JSON.parse(substitute(readFileSync(path, 'utf8'), values));
}
