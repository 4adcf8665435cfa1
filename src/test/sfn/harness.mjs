// Runs one Step Functions state machine file locally (aws-local-stepfunctions, as a library) with scripted
// task results, and prints what happened as JSON. Used by the JUnit ASL tests (StateMachineHarness.java);
// reusable for any state machine in asl/.
//
//   node harness.mjs <definition.asl.json> <script.json | ->      (script "-" = read from stdin)
//   node harness.mjs --serve      one JSON request per stdin line, {"definition": "<path>", "script": {…}},
//                                 one JSON result per stdout line ({"harnessError": "…"} for a script error);
//                                 runs are serial, and the library is loaded once (it takes ~1-2 s)
//
// Script (JSON):
//   {
//     "input": { ... },                  execution input (required)
//     "executionName": "batch-1",        $$.Execution.Name (default "harness-execution"); $$.Execution.Id is
//                                        arn:aws:states:eu-west-1:123456789012:execution:<machine>:<name>
//     "stateMachineName": "...",         default: the file name without .asl.json, prefixed "ecom-pipeline-"
//     "placeholders": { "LockTable": "..." },  merged over placeholders.mjs's TEST_PLACEHOLDERS
//     "context": { "Execution": { … } },  merged into the Context Object the harness builds
//     "timeScale": 0.001,                real seconds per virtual second (default 0.001): every timer of the
//                                        library (Retry backoff, Wait, TimeoutSeconds) and of the harness is
//                                        scaled, so a 2 s backoff takes 2 ms and tests stay fast
//     "tasks": {                         per Task state name: one outcome per call, in call order; the last
//       "ValidateApply": [               outcome repeats for further calls
//         { "throw": "Transient", "cause": "S3 throttled" },
//         { "return": { "acceptedRows": 3 } }
//       ]
//     }
//   }
// Outcomes:
//   { "return": <json> }                 the task succeeds with that result (SendTaskSuccess output)
//   { "throw": "<Error>", "cause": "…" } the task fails with that error name (SendTaskFailure / service error,
//                                        e.g. "DynamoDB.ConditionalCheckFailedException")
//   { "hang": true }                     the worker took the task and went silent (no heartbeat, no answer).
//                                        aws-local-stepfunctions ignores HeartbeatSeconds, so the harness
//                                        enforces it: after the state's HeartbeatSeconds (virtual) the task
//                                        fails with States.HeartbeatTimeout. Without HeartbeatSeconds the
//                                        library's TimeoutSeconds (default 60 s) ends it with States.Timeout.
//   "delaySeconds": N                    (with return/throw) a worker that is busy and heartbeating for N
//                                        virtual seconds first; only TimeoutSeconds can cut it short.
// A scripted name that is not a Task state is a script error (a typo would otherwise pass unnoticed). Task states
// inside a Map's ItemProcessor (or a Parallel branch) are scripted by name like the others: their calls are counted
// across iterations, in the order the iterations call them (run the Map with MaxConcurrency 1 for a fixed order).
// Tasks without a script: service integrations (Resource arn:aws:states:::…) return {}; any other task
// (an activity) is a script error: the run stops (exit code 2, or {"harnessError"} with --serve).
//
// Result (stdout):
//   { "status": "SUCCEEDED" | "FAILED" | "TIMED_OUT",
//     "output": …, "error": "…", "cause": "…",        (output on success; error/cause of the execution failure)
//     "states": ["CheckLockExpiry", "AcquireLock", …],  every top-level state entered, in order
//     "calls": [ { "state", "resource", "call" (1-based per state), "input" (after Parameters),
//                  "outcome": "return" | "throw" | "hang", "error", "delaySeconds" (as scripted),
//                  "sleptBefore" (virtual seconds of Retry backoff / Wait since the previous task call) } ] }
// Exit code 0 whatever the execution's status; 2 for a harness or script error (message on stderr).
//
// Known differences from AWS (documented so tests do not rely on them): the Context Object is static
// ($$.State.EnteredTime is the execution start time, $$.State.RetryCount is 0); States.TaskFailed in the
// library also matches States.HeartbeatTimeout (AWS: a heartbeat timeout only matches States.Timeout,
// States.HeartbeatTimeout and States.ALL), so name States.HeartbeatTimeout explicitly in Retry/Catch.
import './polyfill.mjs';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { StateMachine } from 'aws-local-stepfunctions';
import { TEST_PLACEHOLDERS, loadDefinition } from './placeholders.mjs';

class ScriptError extends Error {}

function checkScript(script) {
  if (!script || typeof script !== 'object' || !('input' in script)) throw new ScriptError('script has no "input"');
  for (const [state, outcomes] of Object.entries(script.tasks ?? {})) {
    if (!Array.isArray(outcomes) || outcomes.length === 0) throw new ScriptError(`tasks.${state} must be a non-empty array`);
    for (const o of outcomes) {
      const kinds = ['return', 'throw', 'hang'].filter((k) => k in o);
      if (kinds.length !== 1) throw new ScriptError(`tasks.${state}: each outcome needs exactly one of return, throw, hang`);
    }
  }
  return script;
}

/** Virtual time: every timer runs clock.scale times faster; fired library sleeps (Retry, Wait) are reported. */
const clock = { scale: 0.001, onSleep: () => {} };
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms = 0, ...args) => {
  const isSleep = /\bat sleep\b/.test(new Error().stack ?? '');
  return realSetTimeout(() => {
    if (isSleep) clock.onSleep(ms / 1000);
    fn(...args);
  }, Math.max(0, Math.round(ms * clock.scale)));
};

/** Every Task state by name, also those inside Map item processors and Parallel branches. */
function allTaskStates(states, found = {}) {
  for (const [name, state] of Object.entries(states ?? {})) {
    if (state.Type === 'Task') found[name] = state;
    for (const branch of state.Branches ?? []) allTaskStates(branch.States, found);
    const iterator = state.ItemProcessor ?? state.Iterator;
    if (iterator) allTaskStates(iterator.States, found);
  }
  return found;
}

function namedError(name, cause) {
  const error = new Error(cause ?? name);
  error.name = name;
  return error;
}

async function runScript(definitionPath, script) {
  checkScript(script);
  const definition = loadDefinition(definitionPath, { ...TEST_PLACEHOLDERS, ...script.placeholders });

  const taskStates = allTaskStates(definition.States);
  for (const name of Object.keys(script.tasks ?? {})) {
    if (!taskStates[name]) throw new ScriptError(`tasks.${name}: no Task state of that name`);
  }

  const calls = [];
  const callCounts = {};
  let sleptSinceLastCall = 0;
  let scriptProblem = null;
  clock.scale = script.timeScale ?? 0.001;
  clock.onSleep = (seconds) => { sleptSinceLastCall += seconds; };
  const sleepVirtual = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  const stateMachine = new StateMachine(definition);
  let execution;
  const handlers = {};
  for (const [name, state] of Object.entries(taskStates)) {
    handlers[name] = async (input) => {
      const n = (callCounts[name] = (callCounts[name] ?? 0) + 1);
      const call = { state: name, resource: state.Resource, call: n, input, sleptBefore: sleptSinceLastCall };
      sleptSinceLastCall = 0;
      calls.push(call);
      const outcomes = script.tasks?.[name];
      if (!outcomes) {
        if (state.Resource.startsWith('arn:aws:states:::')) {
          call.outcome = 'return';
          return {};
        }
        scriptProblem = new ScriptError(`no script for task ${name} (${state.Resource})`);
        execution.abort();
        return new Promise(() => {});
      }
      const outcome = outcomes[Math.min(n, outcomes.length) - 1];
      if (outcome.hang) {
        call.outcome = 'hang';
        if (!Number.isInteger(state.HeartbeatSeconds)) return new Promise(() => {}); // TimeoutSeconds ends it
        await sleepVirtual(state.HeartbeatSeconds);
        call.error = 'States.HeartbeatTimeout';
        throw namedError('States.HeartbeatTimeout', `no heartbeat for ${state.HeartbeatSeconds} s (harness)`);
      }
      // recorded before any delay: TimeoutSeconds may end the task first, and the record must say what it was
      call.outcome = 'throw' in outcome ? 'throw' : 'return';
      if ('throw' in outcome) call.error = outcome.throw;
      if (outcome.delaySeconds) {
        call.delaySeconds = outcome.delaySeconds;
        await sleepVirtual(outcome.delaySeconds);
      }
      if ('throw' in outcome) throw namedError(outcome.throw, outcome.cause);
      return outcome.return;
    };
  }

  const machineName = script.stateMachineName ?? `ecom-pipeline-${basename(definitionPath).replace(/\.asl\.json$/, '')}`;
  const executionName = script.executionName ?? 'harness-execution';
  const started = new Date().toISOString();
  const context = {
    ...script.context,
    Execution: {
      Id: `arn:aws:states:eu-west-1:123456789012:execution:${machineName}:${executionName}`,
      Name: executionName,
      RoleArn: 'arn:aws:iam::123456789012:role/ecom-pipeline-sfn',
      ...script.context?.Execution,
    },
    StateMachine: { Id: `arn:aws:states:eu-west-1:123456789012:stateMachine:${machineName}`, Name: machineName },
    State: { EnteredTime: started, Name: '', RetryCount: 0 },
  };

  execution = stateMachine.run(script.input, { overrides: { taskResourceLocalHandlers: handlers }, context });
  const states = [];
  const collectEvents = (async () => {
    for await (const event of execution.eventLogs) {
      // top level only: a Map iteration's events carry its index
      if (event.type === 'StateEntered' && !event.parentState && event.index === undefined) states.push(event.state.name);
    }
  })();

  const result = { states, calls };
  try {
    result.output = await execution.result;
    result.status = 'SUCCEEDED';
  } catch (e) {
    if (scriptProblem) throw scriptProblem;
    if (e.name === 'ExecutionTimeoutError') {
      result.status = 'TIMED_OUT';
    } else if (e.name === 'ExecutionError') {
      result.status = 'FAILED';
      result.error = e.cause?.name;
      result.cause = e.cause?.message;
    } else {
      throw e;
    }
  }
  await collectEvents;
  return result;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--serve') {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      let reply;
      try {
        const request = JSON.parse(line);
        reply = await runScript(request.definition, request.script);
      } catch (e) {
        reply = { harnessError: e instanceof ScriptError ? e.message : String(e.stack ?? e) };
      }
      process.stdout.write(JSON.stringify(reply) + '\n');
    }
    return;
  }
  const [definitionPath, scriptArg] = args;
  if (!definitionPath || !scriptArg) throw new ScriptError('usage: node harness.mjs <definition.asl.json> <script.json|-> | --serve');
  const script = JSON.parse(readFileSync(scriptArg === '-' ? 0 : scriptArg, 'utf8'));
  process.stdout.write(JSON.stringify(await runScript(definitionPath, script), null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`harness: ${e instanceof ScriptError ? e.message : e.stack}\n`);
    process.exit(2);
  },
);
