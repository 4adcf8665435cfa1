// A loopback endpoint speaking the Step Functions JSON API (AWS JSON 1.0, X-Amz-Target AWSStepFunctions.*) for the
// calls ecom-pipeline makes in Step Functions mode, backed by aws-local-stepfunctions executing the real asl/ files.
// Used by StepFunctionsEndToEndTest (started as a child process); also handy by hand:
//
//   node sfn-endpoint.mjs --port 0 --dynamodb http://127.0.0.1:8000 --sqs http://127.0.0.1:9324 [--poll-seconds 60]
//
// It prints "listening <port>" on stdout once ready. Task states run as follows:
// - activity ARNs (arn:aws:states:R:A:activity:NAME): handed to GetActivityTask long polls; the execution goes on
//   when the worker calls SendTaskSuccess / SendTaskFailure (the failure's error name is what Retry/Catch match);
// - arn:aws:states:::dynamodb:<op>: the resolved Parameters are sent as the DynamoDB API request to --dynamodb
//   (errors become DynamoDB.<ErrorType>, e.g. DynamoDB.ConditionalCheckFailedException);
// - arn:aws:states:::sqs:sendMessage: sent to --sqs (an object MessageBody is sent as its JSON text).
// Not emulated: HeartbeatSeconds (aws-local-stepfunctions ignores it), IAM; $$.State.EnteredTime is the time the
// Parameters are evaluated (a retry sees a later one); the 90-day name reuse rule is kept only
// for this process's lifetime. GET /_stats tells how many GetActivityTask polls are open and were made.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import './polyfill.mjs'; // aws-local-stepfunctions needs Node 22's Promise.withResolvers
import { StateMachine } from 'aws-local-stepfunctions';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const PORT = Number(args.port ?? 0);
const DYNAMODB = args.dynamodb;
const SQS = args.sqs;
const REGION = args.region ?? 'us-east-1';
const ACCOUNT = args.account ?? '123456789012';
const POLL_SECONDS = Number(args['poll-seconds'] ?? 60);

const activities = new Map();    // arn -> { activityArn, name, creationDate, tasks: [], waiters: [] }
const machines = new Map();      // arn -> { stateMachineArn, name, definition, roleArn, type, creationDate, sm }
const executions = new Map();    // arn -> execution record
const tasks = new Map();         // token -> { resolve, reject, execution, state }
const stats = { polls: 0, openPolls: 0, heartbeats: 0, tasksHandedOut: 0 };

class ApiError extends Error {
  constructor(type, message, status = 400) { super(message); this.type = type; this.status = status; }
}

const now = () => Date.now() / 1000; // the JSON protocol's timestamps: epoch seconds

function event(execution, type, details) {
  const e = { id: execution.events.length + 1, previousEventId: execution.events.length,
    timestamp: now(), type, ...details };
  execution.events.push(e);
}

// --- Task state handlers

function taskStates(states, found = {}) {
  for (const [name, state] of Object.entries(states ?? {})) {
    if (state.Type === 'Task') found[name] = state.Resource;
    for (const branch of state.Branches ?? []) taskStates(branch.States, found);
    const iterator = state.ItemProcessor ?? state.Iterator;
    if (iterator) taskStates(iterator.States, found);
  }
  return found;
}

function stateError(name, message) {
  const e = new Error(message ?? name);
  e.name = name;
  return e;
}

async function awsJson(endpoint, target, service, body) {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      'x-amz-date': date,
      // DynamoDB Local wants a well-formed SigV4 header; neither emulator checks the signature
      authorization: `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/${REGION}/${service}/aws4_request, `
        + 'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type = String(json.__type ?? json.code ?? 'ServiceException').split('#').pop();
    throw { type, message: json.message ?? json.Message ?? text };
  }
  return json;
}

function serviceHandler(resource) {
  const m = /^arn:aws:states:::(dynamodb|sqs):(\w+)$/.exec(resource);
  if (!m) return null;
  const [, service, op] = m;
  const action = op.charAt(0).toUpperCase() + op.slice(1);
  return async (execution, state, input) => {
    event(execution, 'TaskScheduled', { taskScheduledEventDetails: { resourceType: service, resource: op,
      region: REGION, parameters: JSON.stringify(input) } });
    try {
      let output;
      if (service === 'dynamodb') {
        output = await awsJson(DYNAMODB, `DynamoDB_20120810.${action}`, 'dynamodb', input);
      } else {
        const body = { ...input };
        if (typeof body.MessageBody !== 'string') body.MessageBody = JSON.stringify(body.MessageBody);
        output = await awsJson(SQS, `AmazonSQS.${action}`, 'sqs', body);
      }
      event(execution, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType: service, resource: op,
        output: JSON.stringify(output) } });
      return output;
    } catch (e) {
      const error = `${service === 'dynamodb' ? 'DynamoDB' : 'SQS'}.${e.type ?? 'ServiceException'}`;
      event(execution, 'TaskFailed', { taskFailedEventDetails: { resourceType: service, resource: op, error,
        cause: String(e.message) } });
      throw stateError(error, String(e.message));
    }
  };
}

function activityHandler(resource) {
  if (!/^arn:aws:states:[^:]*:[^:]*:activity:/.test(resource)) return null;
  return (execution, state, input) => new Promise((resolve, reject) => {
    const activity = activities.get(resource);
    if (!activity) {
      reject(stateError('States.Runtime', `activity ${resource} does not exist`));
      return;
    }
    const token = randomUUID();
    tasks.set(token, { resolve, reject, execution, state });
    event(execution, 'ActivityScheduled', { activityScheduledEventDetails: { resource, input: JSON.stringify(input) } });
    // as in AWS, the task's ActivityStarted points back at its ActivityScheduled (Map iterations interleave)
    activity.tasks.push({ token, input: JSON.stringify(input), scheduledEventId: execution.events.length });
    dispatch(activity);
  });
}

function dispatch(activity) {
  while (activity.tasks.length && activity.waiters.length) {
    const waiter = activity.waiters.shift();
    const task = activity.tasks.shift();
    stats.tasksHandedOut++;
    const t = tasks.get(task.token);
    if (t) {
      event(t.execution, 'ActivityStarted', { previousEventId: task.scheduledEventId,
        activityStartedEventDetails: { workerName: waiter.workerName } });
      // as in AWS, its ActivitySucceeded or ActivityFailed points back at this ActivityStarted
      t.startedEventId = t.execution.events.length;
    }
    waiter.answer({ taskToken: task.token, input: task.input });
  }
}

// --- the API

const api = {
  CreateActivity({ name }) {
    const activityArn = `arn:aws:states:${REGION}:${ACCOUNT}:activity:${name}`;
    if (!activities.has(activityArn)) {
      activities.set(activityArn, { activityArn, name, creationDate: now(), tasks: [], waiters: [] });
    }
    return { activityArn, creationDate: activities.get(activityArn).creationDate };
  },
  ListActivities() {
    return { activities: [...activities.values()].map(({ activityArn, name, creationDate }) =>
      ({ activityArn, name, creationDate })) };
  },
  CreateStateMachine({ name, definition, roleArn, type }) {
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    const existing = machines.get(stateMachineArn);
    if (existing) {
      if (existing.definition !== definition) throw new ApiError('StateMachineAlreadyExists', `${name} exists`);
      return { stateMachineArn, creationDate: existing.creationDate };
    }
    let parsed;
    try {
      parsed = JSON.parse(definition);
      // validation of ARNs would reject the service integrations, which this endpoint performs itself
      new StateMachine(parsed, { validationOptions: { checkArn: false } });
    } catch (e) {
      throw new ApiError('InvalidDefinition', String(e.message));
    }
    machines.set(stateMachineArn, { stateMachineArn, name, definition, parsed, roleArn, type: type ?? 'STANDARD',
      creationDate: now() });
    return { stateMachineArn, creationDate: now() };
  },
  ListStateMachines() {
    return { stateMachines: [...machines.values()].map(({ stateMachineArn, name, type, creationDate }) =>
      ({ stateMachineArn, name, type, creationDate })) };
  },
  StartExecution({ stateMachineArn, name, input }) {
    const machine = machines.get(stateMachineArn);
    if (!machine) throw new ApiError('StateMachineDoesNotExist', `${stateMachineArn} does not exist`);
    name = name ?? randomUUID();
    input = input ?? '{}';
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine.name}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // as AWS: the same name and input while running is idempotent; anything else is refused
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ApiError('ExecutionAlreadyExists', `execution ${name} already exists`);
    }
    const execution = { executionArn, stateMachineArn, name, input, status: 'RUNNING', startDate: now(), events: [] };
    executions.set(executionArn, execution);
    run(machine, execution);
    return { executionArn, startDate: execution.startDate };
  },
  DescribeExecution({ executionArn }) {
    const e = executions.get(executionArn);
    if (!e) throw new ApiError('ExecutionDoesNotExist', `${executionArn} does not exist`);
    const { events, ...description } = e;
    return description;
  },
  GetExecutionHistory({ executionArn, reverseOrder }) {
    const e = executions.get(executionArn);
    if (!e) throw new ApiError('ExecutionDoesNotExist', `${executionArn} does not exist`);
    return { events: reverseOrder ? [...e.events].reverse() : e.events };
  },
  GetActivityTask({ activityArn, workerName }, request) {
    const activity = activities.get(activityArn);
    if (!activity) throw new ApiError('ActivityDoesNotExist', `${activityArn} does not exist`);
    stats.polls++;
    return new Promise((resolve) => {
      stats.openPolls++;
      let done = false;
      const waiter = {
        workerName,
        answer(result) {
          if (done) return;
          done = true;
          stats.openPolls--;
          clearTimeout(timer);
          request.socket.off('close', onClose);
          resolve(result);
        },
      };
      const timer = setTimeout(() => {
        activity.waiters.splice(activity.waiters.indexOf(waiter), 1);
        waiter.answer({});
      }, POLL_SECONDS * 1000);
      // a worker that went away (closed its connection) must not be handed a task
      const onClose = () => {
        if (done) return;
        const i = activity.waiters.indexOf(waiter);
        if (i >= 0) activity.waiters.splice(i, 1);
        done = true;
        stats.openPolls--;
        clearTimeout(timer);
      };
      request.socket.once('close', onClose);
      activity.waiters.push(waiter);
      dispatch(activity);
    });
  },
  SendTaskSuccess({ taskToken, output }) {
    const task = take(taskToken);
    event(task.execution, 'ActivitySucceeded', { previousEventId: task.startedEventId,
      activitySucceededEventDetails: { output } });
    task.resolve(JSON.parse(output));
    return {};
  },
  SendTaskFailure({ taskToken, error, cause }) {
    const task = take(taskToken);
    event(task.execution, 'ActivityFailed', { previousEventId: task.startedEventId,
      activityFailedEventDetails: { error, cause } });
    task.reject(stateError(error ?? 'States.TaskFailed', cause ?? ''));
    return {};
  },
  SendTaskHeartbeat({ taskToken }) {
    if (!tasks.has(taskToken)) throw new ApiError('TaskTimedOut', 'no such task');
    stats.heartbeats++;
    return {};
  },
};

function take(token) {
  const task = tasks.get(token);
  if (!task) throw new ApiError('TaskDoesNotExist', 'no such task (already completed or timed out)');
  tasks.delete(token);
  return task;
}

function run(machine, execution) {
  const handlers = {};
  for (const [stateName, resource] of Object.entries(taskStates(machine.parsed.States))) {
    const handler = activityHandler(resource) ?? serviceHandler(resource);
    handlers[stateName] = handler
      ? (input) => handler(execution, stateName, input)
      : async () => { throw stateError('States.Runtime', `resource ${resource} is not emulated`); };
  }
  const sm = new StateMachine(machine.parsed, { validationOptions: { checkArn: false } });
  event(execution, 'ExecutionStarted', { executionStartedEventDetails: { input: execution.input,
    roleArn: machine.roleArn } });
  const startTime = new Date(execution.startDate * 1000).toISOString();
  const { result } = sm.run(JSON.parse(execution.input), {
    overrides: { taskResourceLocalHandlers: handlers },
    context: {
      Execution: { Id: execution.executionArn, Name: execution.name, Input: JSON.parse(execution.input),
        StartTime: startTime, RoleArn: machine.roleArn },
      StateMachine: { Id: machine.stateMachineArn, Name: machine.name },
      // the library keeps one context per execution: the state's entry time is the time it is read
      State: { get EnteredTime() { return new Date().toISOString(); } },
    },
  });
  result.then((output) => {
    Object.assign(execution, { status: 'SUCCEEDED', stopDate: now(), output: JSON.stringify(output ?? null) });
    event(execution, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: execution.output } });
  }, (e) => {
    const cause = e.cause ?? e;
    const error = cause.name === 'ExecutionTimeoutError' ? 'States.Timeout' : cause.name ?? 'States.Runtime';
    Object.assign(execution, { status: error === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED', stopDate: now(),
      error, cause: String(cause.message ?? '') });
    event(execution, 'ExecutionFailed', { executionFailedEventDetails: { error, cause: execution.cause } });
    process.stderr.write(`execution ${execution.name} failed: ${error}: ${execution.cause}\n`);
  });
}

const server = http.createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', async () => {
    const reply = (status, json) => {
      if (response.writableEnded || response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(json));
    };
    if (request.method === 'GET' && request.url === '/_stats') {
      reply(200, stats);
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : null;
    try {
      if (!operation || !api[operation]) throw new ApiError('UnknownOperationException', `unsupported: ${target}`);
      reply(200, await api[operation](body ? JSON.parse(body) : {}, request));
    } catch (e) {
      if (e instanceof ApiError) {
        reply(e.status, { __type: `com.amazonaws.swf.service.v2.model#${e.type}`, message: e.message });
      } else {
        process.stderr.write(`${operation}: ${e.stack}\n`);
        reply(500, { __type: 'InternalFailure', message: String(e.message) });
      }
    }
  });
});
server.keepAliveTimeout = 120_000;
server.requestTimeout = 0;
server.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
// the test ends us by closing our stdin (or killing us)
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
