/**
 * The Node.js bootstrap (written to the runtime folder as `bootstrap.mjs`; kept here as text because
 * the build copies only compiled TypeScript). It loads `file.export` from the task root (ES module or
 * CommonJS) once, then serves invocations one per stdin line (`{ requestId, deadlineMs, event }`):
 * calls the handler (async or callback style), writes an end mark to stdout, then `{ result }` or
 * `{ error: { errorType, errorMessage, trace } }` as one line to fd 3. It exits when stdin closes.
 * What the function prints is its log: console lines get Lambda's `time\trequestId\tLEVEL\tmessage` prefix.
 */
export const NODE_BOOTSTRAP = String.raw`
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const END_MARK = '\u001esirs-lambda-end\n';
const [taskRoot, handlerSpec] = process.argv.slice(2);
let requestId = '';
let deadline = 0;
let running = false;

function report(message) {
  process.stdout.write(END_MARK);
  message.maxRssKb = process.resourceUsage().maxRSS;
  message.initMs = initMs;
  let line;
  try {
    line = JSON.stringify(message);
  } catch (err) {
    line = JSON.stringify({ error: { errorType: 'Runtime.MarshalError', errorMessage: 'Unable to marshal response: ' + err.message, trace: [] }, maxRssKb: message.maxRssKb });
  }
  writeSync(3, line + '\n');
}

function errorDocument(err, type) {
  if (err instanceof Error) {
    return { errorType: type ?? err.name ?? 'Error', errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  }
  return { errorType: type ?? 'Error', errorMessage: typeof err === 'string' ? err : JSON.stringify(err) ?? String(err), trace: [] };
}

function fail(doc) {
  process.stdout.write(new Date().toISOString() + '\t' + requestId + '\tERROR\tInvoke Error \t' + JSON.stringify(doc) + '\n');
  report({ error: doc });
}

for (const [level, method] of [['INFO', 'log'], ['INFO', 'info'], ['WARN', 'warn'], ['ERROR', 'error'], ['DEBUG', 'debug']]) {
  console[method] = (...args) => {
    process.stdout.write(new Date().toISOString() + '\t' + requestId + '\t' + level + '\t' + format(...args) + '\n');
  };
}

// An error outside any handler's promise ends the process, as it ends a Lambda execution environment.
function crash(err) {
  if (running) fail(errorDocument(err));
  process.exit(1);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const dot = handlerSpec.lastIndexOf('.');
const modulePath = dot > 0 ? handlerSpec.slice(0, dot) : handlerSpec;
const exportName = dot > 0 ? handlerSpec.slice(dot + 1) : '';

async function load() {
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const file = join(taskRoot, modulePath + ext);
    if (existsSync(file)) return import(pathToFileURL(file).href);
  }
  throw Object.assign(new Error("Cannot find module '" + modulePath + "'"), { lambdaType: 'Runtime.ImportModuleError' });
}

let handler;
let initError;
let initMs = 0;
try {
  const mod = await load();
  handler = mod[exportName] ?? mod.default?.[exportName];
  if (typeof handler !== 'function') {
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: handlerSpec + ' is undefined or not exported', trace: [] };
  }
} catch (err) {
  initError = errorDocument(err, err?.lambdaType ?? (err instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError'));
  initError.errorMessage = (err?.name ?? 'Error') + ': ' + initError.errorMessage;
}
// Lambda's Init Duration: from the process's start to the handler loaded.
initMs = performance.now();

const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: process.env.SIRS_LAMBDA_FUNCTION_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: '',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
delete process.env.SIRS_LAMBDA_FUNCTION_ARN;

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const message = JSON.parse(line);
  requestId = message.requestId;
  deadline = message.deadlineMs;
  context.awsRequestId = requestId;
  running = true;
  if (initError) {
    fail(initError);
    process.exit(1);
  }
  try {
    const event = JSON.parse(message.event);
    const result =
      handler.length >= 3
        ? await new Promise((resolve, reject) => {
            const out = handler(event, context, (err, value) => (err ? reject(err) : resolve(value)));
            if (out && typeof out.then === 'function') out.then(resolve, reject);
          })
        : await handler(event, context);
    report({ result: result === undefined ? null : result });
  } catch (err) {
    fail(errorDocument(err));
  }
  running = false;
}
process.exit(0);
`;
