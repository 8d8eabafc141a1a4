"""
The real AWS CLI (v1, the `awscli` package), kept warm for the tests: importing awscli and building its
command table costs most of a second per `aws` process, and the suite runs thousands. This process
imports it once, then forks a child per request; the child sets the request's environment, working
directory and standard input, runs the CLI's own entry point (`awscli.clidriver.CLIDriver.main`, what the
`aws` command runs) and answers with its exit code and output. A child starts from the warm parent, so no
request sees another's state. It exits when its standard input closes (the test process is gone).

Protocol, one request per connection on the UNIX socket given as argv[1]: a JSON line
{"args": [...], "env": {...}, "cwd": "...", "stdin": "<base64>"}; the answer is a JSON line
{"rc": n, "stdout": "<base64>", "stderr": "<base64>"}.
"""
import base64
import io
import runpy
import json
import os
import signal
import tempfile
import socket
import sys
import threading

# The tests always run the CLI with no config or credentials files; so does the warm-up.
os.environ['AWS_CONFIG_FILE'] = '/dev/null'
os.environ['AWS_SHARED_CREDENTIALS_FILE'] = '/dev/null'
os.environ.pop('AWS_PROFILE', None)

from awscli.clidriver import create_clidriver  # noqa: E402

driver = create_clidriver()
driver._get_command_table()
for service in ('sts', 'iam', 'ec2', 's3', 's3control', 'cloudtrail', 'logs', 'kms', 'ssm',
                'cloudwatch', 'sns', 'cloudformation'):
    try:
        driver.session.get_service_model(service)
    except Exception:
        pass


def watch_parent():
    sys.stdin.buffer.read()
    os._exit(0)


def serve(conn):
    f = conn.makefile('rb')
    req = json.loads(f.readline())
    os.environ.clear()
    os.environ.update(req.get('env') or {})
    if req.get('cwd'):
        os.chdir(req['cwd'])
    # What a new interpreter would do with the caller's PYTHONPATH: search it, and run its sitecustomize
    # (a test uses one to shorten the CLI's waiter sleeps).
    for entry in reversed([p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]):
        sys.path.insert(0, entry)
        custom = os.path.join(entry, 'sitecustomize.py')
        if os.path.isfile(custom):
            runpy.run_path(custom, run_name='sitecustomize')
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding='utf-8', write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding='utf-8', write_through=True)
    # Standard input is the request's, down to file descriptor 0 (file:///dev/stdin reads that).
    data = tempfile.TemporaryFile()
    data.write(base64.b64decode(req.get('stdin') or ''))
    data.seek(0)
    os.dup2(data.fileno(), 0)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, closefd=False), encoding='utf-8')
    sys.argv = ['aws'] + list(req['args'])  # argparse names the program after argv[0]
    try:
        rc = driver.main(req['args'])
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException as e:  # the CLI's own handler turns errors into exit codes; this is a bug
        sys.stderr.write('aws-cli driver: %r\n' % (e,))
        rc = 255
    sys.stdout.flush()
    sys.stderr.flush()
    answer = {'rc': rc, 'stdout': base64.b64encode(out.getvalue()).decode(),
              'stderr': base64.b64encode(err.getvalue()).decode()}
    conn.sendall((json.dumps(answer) + '\n').encode())
    conn.close()


def main():
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sys.argv[1])
    srv.listen(128)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    threading.Thread(target=watch_parent, daemon=True).start()
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    while True:
        conn, _ = srv.accept()
        if os.fork() == 0:
            srv.close()
            try:
                serve(conn)
            finally:
                os._exit(0)
        conn.close()


main()
