/**
 * The Python bootstrap (written to the runtime folder as `bootstrap.py`; kept here as text because the
 * build copies only compiled TypeScript). One invocation: the event from stdin, `module.function` from
 * the task root, `{ result }` or `{ error: { errorType, errorMessage, stackTrace } }` to fd 3. What the
 * function prints (stdout, stderr, the logging module) is its log.
 */
export const PYTHON_BOOTSTRAP = String.raw`
import importlib, json, logging, os, resource, sys, time, traceback

task_root, handler_spec = sys.argv[1], sys.argv[2]
request_id = os.environ.pop('SIRS_LAMBDA_REQUEST_ID', '')
deadline = int(os.environ.pop('SIRS_LAMBDA_DEADLINE_MS', '0'))
sys.path.insert(0, task_root)
os.chdir(task_root)

class LambdaLogFormatter(logging.Formatter):
    def format(self, record):
        record.aws_request_id = request_id
        return super().format(record)

root = logging.getLogger()
root.setLevel(logging.WARNING)
stream = logging.StreamHandler(sys.stdout)
stream.setFormatter(LambdaLogFormatter('[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s', '%Y-%m-%dT%H:%M:%S'))
logging.Formatter.converter = time.gmtime
root.addHandler(stream)

out = os.fdopen(3, 'w')
def report(message):
    message['maxRssKb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write(json.dumps(message))
    out.flush()

def fail(error_type, message, stack):
    doc = {'errorMessage': message, 'errorType': error_type, 'requestId': request_id, 'stackTrace': stack}
    print('[ERROR] ' + error_type + ': ' + message, flush=True)
    report({'error': doc})

class Context:
    def __init__(self):
        self.function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME')
        self.function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION')
        self.invoked_function_arn = os.environ.pop('SIRS_LAMBDA_FUNCTION_ARN', '')
        self.memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get('AWS_LAMBDA_LOG_GROUP_NAME')
        self.log_stream_name = os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME')
    def get_remaining_time_in_millis(self):
        return max(0, deadline - int(time.time() * 1000))

module_name, _, function_name = handler_spec.rpartition('.')
try:
    module = importlib.import_module(module_name.replace('/', '.'))
except SyntaxError as e:
    fail('Runtime.UserCodeSyntaxError', 'Syntax error in module \'' + module_name + '\': ' + str(e), [])
    sys.exit(1)
except Exception as e:
    fail('Runtime.ImportModuleError', 'Unable to import module \'' + module_name + '\': ' + str(e), [])
    sys.exit(1)
handler = getattr(module, function_name, None)
if not callable(handler):
    fail('Runtime.HandlerNotFound', 'Handler \'' + function_name + '\' missing on module \'' + module_name + '\'', [])
    sys.exit(1)

raw = sys.stdin.read()
event = json.loads(raw) if raw else None
try:
    result = handler(event, Context())
    report({'result': result})
except Exception as e:
    stack = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
    fail(type(e).__name__, str(e), stack)
sys.stdout.flush()
`;
