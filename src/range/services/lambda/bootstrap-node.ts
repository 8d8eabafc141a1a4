/**
 * The Node.js bootstrap (written to the runtime folder as `bootstrap.mjs`; kept here as text because
 * the build copies only compiled TypeScript). It runs one invocation: reads the event from stdin,
 * loads `file.export` from the task root (ES module or CommonJS), calls the handler (async or callback
 * style) and writes `{ result }` or `{ error: { errorType, errorMessage, trace } }` to fd 3. What the
 * function prints is its log: console lines get Lambda's `time\trequestId\tLEVEL\tmessage` prefix.
 */
export const NODE_BOOTSTRAP = String.raw`
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const [taskRoot, handlerSpec] = process.argv.slice(2);
const requestId = process.env.SIRS_LAMBDA_REQUEST_ID ?? '';
const deadline = Number(process.env.SIRS_LAMBDA_DEADLINE_MS ?? '0');
delete process.env.SIRS_LAMBDA_REQUEST_ID;
delete process.env.SIRS_LAMBDA_DEADLINE_MS;

let reported = false;
function report(message) {
  if (reported) return;
  reported = true;
  message.maxRssKb = process.resourceUsage().maxRSS;
  writeSync(3, JSON.stringify(message));
}

function errorDocument(err, type) {
  if (err instanceof Error) {
    return {
      errorType: type ?? err.name ?? 'Error',
      errorMessage: err.message,
      trace: String(err.stack ?? '').split('\n'),
    };
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

const dot = handlerSpec.lastIndexOf('.');
const modulePath = dot > 0 ? handlerSpec.slice(0, dot) : handlerSpec;
const exportName = dot > 0 ? handlerSpec.slice(dot + 1) : '';

async function load() {
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const file = join(taskRoot, modulePath + ext);
    if (existsSync(file)) return import(pathToFileURL(file).href);
  }
  const err = new Error("Cannot find module '" + modulePath + "'");
  throw Object.assign(err, { lambdaType: 'Runtime.ImportModuleError' });
}

const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: process.env.SIRS_LAMBDA_FUNCTION_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: requestId,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};

process.on('uncaughtException', (err) => {
  fail(errorDocument(err));
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  fail(errorDocument(err));
  process.exit(1);
});

let mod;
try {
  mod = await load();
} catch (err) {
  const doc = errorDocument(err, err?.lambdaType ?? (err instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError'));
  doc.errorMessage = (err?.name ?? 'Error') + ': ' + doc.errorMessage;
  fail(doc);
  process.exit(1);
}
const handler = mod[exportName] ?? mod.default?.[exportName];
if (typeof handler !== 'function') {
  fail({ errorType: 'Runtime.HandlerNotFound', errorMessage: handlerSpec + ' is undefined or not exported', trace: [] });
  process.exit(1);
}

const event = JSON.parse(readFileSync(0, 'utf8') || 'null');
try {
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
process.exit(0);
`;
