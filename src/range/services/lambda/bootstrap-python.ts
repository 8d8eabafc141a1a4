/**
 * The Python bootstrap (written to the runtime folder as `bootstrap.py`; kept here as text because the
 * build copies only compiled TypeScript). It imports `module.function` from the task root once, then
 * serves invocations one per stdin line (`{ requestId, deadlineMs, event }`): an end mark on stdout,
 * then `{ result }` or `{ error: { errorMessage, errorType, requestId, stackTrace } }` as one line on
 * fd 3. It exits when stdin closes. What the function prints (stdout, stderr, logging) is its log.
 */
export const PYTHON_BOOTSTRAP = String.raw`
import importlib, json, logging, os, resource, sys, time, traceback

started = time.perf_counter()

END_MARK = '\u001esirs-lambda-end\n'
task_root, handler_spec = sys.argv[1], sys.argv[2]
sys.path.insert(0, task_root)
os.chdir(task_root)
request_id = ''
deadline = 0

class LambdaLogFormatter(logging.Formatter):
    def format(self, record):
        record.aws_request_id = request_id
        return super().format(record)

logging.Formatter.converter = time.gmtime
root = logging.getLogger()
root.setLevel(logging.WARNING)
stream = logging.StreamHandler(sys.stdout)
stream.setFormatter(LambdaLogFormatter('[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s', '%Y-%m-%dT%H:%M:%S'))
root.addHandler(stream)

results = os.fdopen(3, 'w')
def report(message):
    sys.stderr.flush()
    sys.stdout.write(END_MARK)
    sys.stdout.flush()
    message['maxRssKb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message['initMs'] = init_ms
    try:
        line = json.dumps(message)
    except (TypeError, ValueError) as e:
        line = json.dumps({'error': {'errorMessage': 'Unable to marshal response: ' + str(e), 'errorType': 'Runtime.MarshalError', 'requestId': request_id, 'stackTrace': []}, 'maxRssKb': message['maxRssKb']})
    results.write(line + '\n')
    results.flush()

def fail(error_type, message, stack):
    print('[ERROR] ' + error_type + ': ' + message, flush=True)
    report({'error': {'errorMessage': message, 'errorType': error_type, 'requestId': request_id, 'stackTrace': stack}})

class Context:
    def __init__(self):
        self.function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME')
        self.function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION')
        self.invoked_function_arn = os.environ.pop('SIRS_LAMBDA_FUNCTION_ARN', '')
        self.memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')
        self.aws_request_id = ''
        self.log_group_name = os.environ.get('AWS_LAMBDA_LOG_GROUP_NAME')
        self.log_stream_name = os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME')
    def get_remaining_time_in_millis(self):
        return max(0, deadline - int(time.time() * 1000))

context = Context()
module_name, _, function_name = handler_spec.rpartition('.')
init_error = None
handler = None
try:
    module = importlib.import_module(module_name.replace('/', '.'))
    handler = getattr(module, function_name, None)
    if not callable(handler):
        init_error = ('Runtime.HandlerNotFound', 'Handler \'' + function_name + '\' missing on module \'' + module_name + '\'')
except SyntaxError as e:
    init_error = ('Runtime.UserCodeSyntaxError', 'Syntax error in module \'' + module_name + '\': ' + str(e))
except Exception as e:
    init_error = ('Runtime.ImportModuleError', 'Unable to import module \'' + module_name + '\': ' + str(e))
# Lambda's Init Duration: until the handler's module is imported.
init_ms = (time.perf_counter() - started) * 1000

while True:
    line = sys.stdin.readline()
    if not line:
        break
    message = json.loads(line)
    request_id = message['requestId']
    deadline = message['deadlineMs']
    context.aws_request_id = request_id
    if init_error:
        fail(init_error[0], init_error[1], [])
        sys.exit(1)
    try:
        result = handler(json.loads(message['event']), context)
        report({'result': result})
    except Exception as e:
        stack = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
        fail(type(e).__name__, str(e), stack)
`;
