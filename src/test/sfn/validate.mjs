// Validates every asl/*.asl.json with asl-validator (after ${Name} substitution: the validator checks
// Resource ARNs) and checks the house rules the validator does not know: JSONPath only (no JSONata,
// Assign or Output), and TimeoutSeconds + HeartbeatSeconds on every activity task.
// Usage: node validate.mjs <asl-dir>. Exit 0 when all files are valid, 1 otherwise (fails the Maven build).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { substitute } from './placeholders.mjs';

const aslValidator = createRequire(import.meta.url)('asl-validator');
const dir = resolve(process.argv[2] ?? '../../../asl');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
let failures = 0;

function houseRules(definition) {
  const problems = [];
  if (definition.QueryLanguage && definition.QueryLanguage !== 'JSONPath') problems.push('QueryLanguage must be JSONPath');
  const visit = (states, where) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      for (const field of ['QueryLanguage', 'Assign', 'Output', 'Arguments']) {
        if (field in state) problems.push(`${where}${name}: ${field} is JSONata/variables, use JSONPath fields`);
      }
      if (state.Type === 'Task' && /:activity:/.test(state.Resource ?? '')) {
        if (!Number.isInteger(state.TimeoutSeconds)) problems.push(`${where}${name}: activity task without TimeoutSeconds`);
        if (!Number.isInteger(state.HeartbeatSeconds)) problems.push(`${where}${name}: activity task without HeartbeatSeconds`);
        else if (state.HeartbeatSeconds >= state.TimeoutSeconds) problems.push(`${where}${name}: HeartbeatSeconds must be below TimeoutSeconds`);
      }
      if (state.Type === 'Parallel') state.Branches.forEach((b, i) => visit(b.States, `${where}${name}[${i}].`));
      if (state.Type === 'Map') visit((state.ItemProcessor ?? state.Iterator)?.States, `${where}${name}.`);
    }
  };
  visit(definition.States, '');
  return problems;
}

for (const file of files) {
  let problems;
  try {
    const text = substitute(readFileSync(join(dir, file), 'utf8'));
    const definition = JSON.parse(text);
    if (file.endsWith('.asl.json')) {
      problems = houseRules(definition);
      // asl-validator fills in defaults (QueryLanguage...) in what it is given: give it its own copy
      const { isValid, errorsText } = aslValidator(JSON.parse(text));
      if (!isValid) problems.push(errorsText('\n'));
    } else {
      problems = []; // other JSON (the schedule rule): parsing and placeholder names are what can be checked here
    }
  } catch (e) {
    problems = [e.message];
  }
  if (problems.length) {
    failures++;
    console.error(`INVALID ${file}:\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`valid   ${file}`);
  }
}
if (files.length === 0) {
  console.error(`no JSON files in ${dir}`);
  process.exit(1);
}
process.exit(failures ? 1 : 0);
