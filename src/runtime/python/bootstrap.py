"""crossgate's Python runtime: runs a Lambda handler against the Lambda Runtime API.

Standard library only. Started by crossgate (src/runtime/python.ts) as
    python -u bootstrap.py [--layer DIR]... [--inline] [--template-dir DIR]
(--template-dir: where a .venv would be found, given only when no --python names the interpreter)
with AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT and Lambda's other variables set.

It behaves as Lambda's Python runtime interface client does (aws/aws-lambda-python-runtime-interface-client,
awslambdaric/bootstrap.py): the handler is imported once (module state lives as long as the environment),
each event is read from /runtime/invocation/next, the handler's return value is posted as JSON to .../response,
an exception as {errorMessage, errorType, requestId, stackTrace} to .../error with its traceback in the log,
and a failure to load the handler is posted to /runtime/init/error with the client's own words
(Runtime.ImportModuleError "Unable to import module 'app': ...", Runtime.HandlerNotFound
"Handler 'x' missing on module 'app'"...). SystemExit is not caught: sys.exit() ends the environment.
A module that is not found is followed in the log by one `crossgate:` line saying where to install it.
"""

import decimal
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

API_VERSION = "/2018-06-01"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"


class FaultException(Exception):
    """An error of the runtime itself, reported with Lambda's errorType (lambda_runtime_exception.py)."""

    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


class RuntimeClient:
    """HTTP/1.1 to the Runtime API over one kept-alive socket. The host always sends Content-Length."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.address = (host, int(port))
        self.host_header = ("Host: %s\r\n" % address).encode("latin-1")
        self.sock = None
        self.buffer = bytearray()
        self.connect()

    def connect(self):
        self.sock = socket.create_connection(self.address)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def request(self, method, path, body=b"", headers=b""):
        head = "%s %s%s HTTP/1.1\r\n" % (method, API_VERSION, path)
        if method == "POST":
            head += "Content-Length: %d\r\n" % len(body)
        return head.encode("latin-1") + self.host_header + headers + b"\r\n" + body

    def exchange(self, *requests):
        """Sends the requests in one write (HTTP/1.1 pipelining) and returns the last one's response."""
        try:
            self.sock.sendall(requests[0] if len(requests) == 1 else b"".join(requests))
            response = None
            for _ in requests:
                response = self.read_response()
            return response
        except OSError:
            # The host has gone away or stopped this environment: nothing more to do here.
            os._exit(1)

    def read_response(self):
        buf = self.buffer
        recv = self.sock.recv
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            chunk = recv(65536)
            if not chunk:
                raise ConnectionError("the Runtime API closed the connection")
            buf += chunk
        lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        length = int(headers.get("content-length", "0"))
        while len(buf) - start < length:
            chunk = recv(max(65536, length - (len(buf) - start)))
            if not chunk:
                raise ConnectionError("the Runtime API closed the connection")
            buf += chunk
        body = bytes(buf[start:start + length])
        del buf[:start + length]
        return status, headers, body

    def next_request(self):
        return self.request("GET", "/runtime/invocation/next")

    def response_request(self, request_id, payload):
        return self.request("POST", "/runtime/invocation/%s/response" % request_id, payload)

    def error_request(self, request_id, error):
        header = ("%s: %s\r\nContent-Type: application/json\r\n" % (ERROR_TYPE_HEADER, error["errorType"] or "Runtime.Unknown")).encode("latin-1")
        return self.request("POST", "/runtime/invocation/%s/error" % request_id, to_json(error).encode("utf-8"), header)

    def post_init_error(self, error):
        header = ("%s: %s\r\nContent-Type: application/json\r\n" % (ERROR_TYPE_HEADER, error["errorType"] or "Runtime.Unknown")).encode("latin-1")
        self.exchange(self.request("POST", "/runtime/init/error", to_json(error).encode("utf-8"), header))


class LambdaContext:
    """Lambda's context object (lambda_context.py): the same attribute names and types."""

    __slots__ = (
        "aws_request_id", "log_group_name", "log_stream_name", "function_name", "memory_limit_in_mb",
        "function_version", "invoked_function_arn", "client_context", "identity", "tenant_id",
        "_epoch_deadline_time_in_ms",
    )

    def __init__(self, invoke_id, deadline_ms, invoked_function_arn, client_context, cognito_identity):
        environ = os.environ
        self.aws_request_id = invoke_id
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as the runtime interface client reads it from the environment.
        self.memory_limit_in_mb = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = client_context
        self.identity = CognitoIdentity(cognito_identity)
        self.tenant_id = None
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s,"
            "tenant_id=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
               self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
               self.client_context, self.identity, self.tenant_id)
        )


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, identity):
        identity = identity or {}
        self.cognito_identity_id = identity.get("cognitoIdentityId")
        self.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Encoder(json.JSONEncoder):
    """The runtime's JSON: non-ASCII kept as is from python3.12 on (lambda_runtime_marshaller.py), NaN allowed.

    The client encodes a Decimal as its exact digits (simplejson's RawJSON); the standard library cannot,
    so a Decimal becomes an int when it is whole and a float otherwise.
    """

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return float("nan")
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


ENCODER = Encoder(ensure_ascii=sys.version_info < (3, 12), allow_nan=True)


def to_json(value):
    return ENCODER.encode(value)


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """The traceback without this file's own frames, as the client trims it."""
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if not frame.filename.endswith("bootstrap.py"):
            return frames[i:]
    return frames


def log_error(error):
    """`[ERROR] Type: message` and the traceback, as the client logs an error (one line each here)."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description]
    stack = error.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack:
            lines.extend(element.splitlines() or [""])
    sys.stdout.write("\n".join(lines) + "\n")


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        fault = FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e))
        )
        fault.missing = e.name if isinstance(e, ModuleNotFoundError) else None
        raise fault
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname)
        )


# Lambda's Python runtimes include the AWS SDK (AWS Lambda docs: "Building Lambda functions with Python",
# the runtime includes the SDK for Python, Boto3): code that imports it runs there with no package of its own.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")


def missing_module_hint(missing, handler, task_root, template_dir, inline=False):
    """What to do about a module that is not found: a crossgate note after Lambda's own error lines.

    The handler's own module missing is a Handler or CodeUri that names the wrong file; anything else is a
    dependency the interpreter crossgate runs lacks (in Lambda it comes from the deployment package, a Layer,
    or the runtime itself for boto3)."""
    top = missing.split(".")[0]
    module = handler.rsplit(".", 1)[0].replace("/", ".")
    if module == missing or module.startswith(missing + "."):
        if inline:
            return ("crossgate: InlineCode is the file index.py, as CloudFormation writes it: "
                    "Handler must be index.<function>, not %s." % handler)
        path = module.replace(".", os.sep)
        return "crossgate: Handler %s names module '%s', and CodeUri %s has neither %s.py nor %s%s__init__.py." % (
            handler, module, task_root, path, path, os.sep)
    if sys.prefix != sys.base_prefix:
        pip = os.path.join(sys.prefix, "bin", "pip")
        # `uv venv` makes environments without pip: uv installs into them.
        install = pip + " install " if os.path.exists(pip) else "uv pip install --python %s " % sys.prefix
        where = "the virtual environment it runs in: " + install
    elif template_dir:
        venv = os.path.join(template_dir, ".venv")
        where = "a virtual environment beside the template, which crossgate then runs it with: %s -m venv %s && %s install " % (
            sys.executable, venv, os.path.join(venv, "bin", "pip"))
    else:
        # The interpreter --python names: its own packages are the function's.
        where = "that interpreter: %s -m pip install " % sys.executable
    if top in RUNTIME_PACKAGES:
        what = "'%s' comes with Lambda's Python runtime (the AWS SDK) but is not installed for %s. Install it into " % (
            top, sys.executable)
        install = "boto3"
    else:
        requirements = os.path.join(task_root, "requirements.txt")
        what = "'%s' is not installed for %s. Install the function's dependencies into " % (top, sys.executable)
        install = "-r " + requirements if os.path.isfile(requirements) else top
    # A new virtual environment is chosen when crossgate starts: it takes a restart to run on it.
    then = ", then restart crossgate" if template_dir and sys.prefix == sys.base_prefix else ""
    return "crossgate: " + what + where + install + then + " (crossgate never installs packages itself)."


class RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


class StdoutHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


def setup_logging():
    """The root logger's handler and format as in Lambda (awslambdaric bootstrap._setup_logging)."""
    logging.Formatter.converter = time.gmtime
    handler = StdoutHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
    )
    handler.addFilter(RequestIdFilter())
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level and level.upper() in logging._nameToLevel:
        logging.getLogger().setLevel(level.upper())
    logging.getLogger().addHandler(handler)


def set_import_paths(task_root, layers):
    """The code folder first, then each Layer's python/ and python/lib/pythonX.Y/site-packages (AWS Lambda docs:
    "Packaging your layer content", layer paths for each Lambda runtime). Later layers come first: in Lambda
    their files overwrite earlier layers' in /opt."""
    version = "python%d.%d" % sys.version_info[:2]
    paths = [task_root]
    site_dirs = []
    for layer in reversed(layers):
        paths.append(os.path.join(layer, "python"))
        site = os.path.join(layer, "python", "lib", version, "site-packages")
        paths.append(site)
        site_dirs.append(site)
    # sys.path[0] is this file's folder: the code folder takes its place.
    rest = [p for p in sys.path[1:] if p not in paths]
    sys.path[:] = paths + rest
    if site_dirs:
        import site

        for directory in site_dirs:
            if os.path.isdir(directory):
                # .pth files of a site directory, as Python reads them for its own.
                site.addsitedir(directory)


def processes_under(pid):
    """The processes this one started, and theirs (Linux /proc; none elsewhere)."""
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir("/proc/%d/task" % parent)
        except OSError:
            continue
        for task in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (parent, task)) as listed:
                    children = [int(child) for child in listed.read().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            stack.extend(children)
    return found


def confine_signals():
    """A signal the handler sends to its parent (crossgate, which runs every function) or the parent's group
    goes to this environment instead. Signals to the environment's own group (kill(0, …)) stay in it: crossgate
    starts each environment in a process group of its own. kill(-1, …) reaches every process the caller may
    signal but itself (kill(2), Linux); in Lambda those are the sandbox's, here only those this environment
    started."""
    parent = os.getppid()
    try:
        parent_group = os.getpgid(parent)
    except OSError:
        parent_group = None
    real_kill, real_killpg = os.kill, os.killpg

    def kill(pid, sig):
        if pid == parent or (parent_group is not None and pid == -parent_group):
            return real_kill(os.getpid(), sig)
        if pid == -1:
            for other in processes_under(os.getpid()):
                try:
                    real_kill(other, sig)
                except OSError:
                    pass
            return None
        return real_kill(pid, sig)

    def killpg(pgid, sig):
        if pgid == parent_group:
            return real_killpg(os.getpgid(0), sig)
        return real_killpg(pgid, sig)

    os.kill, os.killpg = kill, killpg


def main():
    confine_signals()
    layers = []
    template_dir = None
    inline = False
    args = sys.argv[1:]
    while args:
        if args[0] == "--layer" and len(args) > 1:
            layers.append(args[1])
            args = args[2:]
        elif args[0] == "--inline":
            inline = True
            args = args[1:]
        elif args[0] == "--template-dir" and len(args) > 1:
            template_dir = args[1]
            args = args[2:]
        else:
            args = args[1:]
    sys.argv = sys.argv[:1]
    environ = os.environ
    task_root = environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    set_import_paths(task_root, layers)
    client = RuntimeClient(environ["AWS_LAMBDA_RUNTIME_API"])
    setup_logging()

    error = None
    hint = None
    try:
        handler = get_handler(environ.get("_HANDLER", ""))
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
        if getattr(e, "missing", None):
            hint = missing_module_hint(e.missing, environ.get("_HANDLER", ""), task_root, template_dir, inline)
    except Exception:
        etype, value, tb = sys.exc_info()
        error = make_error(str(value), etype.__name__, traceback.format_list(user_frames(tb)))
    if error is not None:
        log_error(error)
        if hint:
            sys.stdout.write(hint + "\n")
        client.post_init_error(error)
        os._exit(1)

    next_request = client.next_request()
    pending = (next_request,)
    loads = json.loads
    while True:
        status, headers, body = client.exchange(*pending)
        if status != 200:
            raise RuntimeError("Runtime API /next answered %d: %s" % (status, body[:200]))
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        RequestIdFilter.request_id = request_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id is not None:
            environ["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in environ:
            del environ["_X_AMZN_TRACE_ID"]
        error = None
        try:
            client_context = headers.get("lambda-runtime-client-context")
            cognito = headers.get("lambda-runtime-cognito-identity")
            context = LambdaContext(
                request_id,
                int(headers.get("lambda-runtime-deadline-ms", "0")),
                headers.get("lambda-runtime-invoked-function-arn"),
                loads(client_context) if client_context else None,
                loads(cognito) if cognito else None,
            )
            try:
                event = loads(body)
            except Exception as e:
                raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))
            result = handler(event, context)
            if isinstance(result, bytes):
                payload = result
            else:
                try:
                    payload = ENCODER.encode(result).encode("utf-8")
                except Exception as e:
                    raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))
        except FaultException as e:
            error = make_error(e.msg, e.exception_type, e.trace, request_id)
        except Exception:
            etype, value, tb = sys.exc_info()
            error = make_error(str(value), etype.__name__, traceback.format_list(user_frames(tb)), request_id)
        if error is not None:
            log_error(error)
            pending = (client.error_request(request_id, error), next_request)
        else:
            pending = (client.response_request(request_id, payload), next_request)


if __name__ == "__main__":
    main()
