"""`aws` for shells in tests: hands the command to the warm AWS CLI driver (driver.py) and relays its
output and exit code. Standard input is passed on unless it is a terminal."""
import base64
import json
import os
import socket
import sys

stdin = b'' if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.environ['SIRS_AWS_CLI_SOCKET'])
request = {'args': sys.argv[1:], 'env': dict(os.environ), 'cwd': os.getcwd(),
           'stdin': base64.b64encode(stdin).decode()}
s.sendall((json.dumps(request) + '\n').encode())
data = b''
while True:
    chunk = s.recv(1 << 16)
    if not chunk:
        break
    data += chunk
answer = json.loads(data)
sys.stdout.buffer.write(base64.b64decode(answer['stdout']))
sys.stderr.buffer.write(base64.b64decode(answer['stderr']))
sys.stdout.flush()
sys.exit(answer['rc'])
