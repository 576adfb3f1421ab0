"""Reads Python Lambda handlers for `crossgate check`, with Python's own parser (ast). Standard library only.

Input on stdin: a JSON list of {"key", "source", "function"}. Output on stdout: a JSON object, key → what the
source says about CORS:

    allowOrigins   every Access-Control-Allow-Origin value the code writes: {"line", "literal"} for a string,
                   {"line", "fromOrigin", "checked"} for a computed one (fromOrigin: it reads the request's
                   Origin header; checked: an allow-list test guards it)
    credentials    Access-Control-Allow-Credentials is written as "true" (or True)
    vary           a Vary header is written
    literalOrigins strings in the module that are origins (https://app.example.com)
    envNames       environment variables the module reads (os.environ[...], os.environ.get, os.getenv)
    library        "powertools" when the module uses Powertools' CORSConfig
    uncovered      responses built without Access-Control-Allow-Origin: {"line", "status"} for each dict
                   literal with a statusCode and no such header (when the module writes it elsewhere)
    error          the source does not parse: {"line", "message"}
"""

import ast
import json
import re
import sys

ORIGIN_RE = re.compile(r"^https?://[^/\s'\"]+$")
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


def const_str(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def reads_origin(node):
    """The expression reads the request's Origin header: a string 'origin' used as a key, a .get()
    argument or in a comparison (event["headers"]["origin"], headers.get("Origin"), k.lower() == "origin"),
    or a name bound to such an expression."""
    for sub in ast.walk(node):
        text = const_str(sub)
        if text is not None and text.lower() == "origin":
            return True
    return False


def is_membership_test(node, names):
    """`x in ALLOWED`, `x not in ALLOWED`, `x == "https://…"`, ALLOWED.__contains__(x) over an origin name."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Compare):
            operands = [sub.left, *sub.comparators]
            if any(isinstance(op, (ast.In, ast.NotIn, ast.Eq, ast.NotEq)) for op in sub.ops) and any(
                mentions(o, names) or reads_origin(o) for o in operands
            ):
                return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if sub.func.attr in ("__contains__", "match", "fullmatch", "search", "startswith", "endswith") and any(
                mentions(a, names) or reads_origin(a) for a in [*sub.args, sub.func.value]
            ):
                return True
    return False


def mentions(node, names):
    return any(isinstance(sub, ast.Name) and sub.id in names for sub in ast.walk(node))


class Reader(ast.NodeVisitor):
    def __init__(self):
        self.allow_origins = []
        self.credentials = False
        self.vary = False
        self.literal_origins = []
        self.env_names = []
        self.library = None
        self.responses = []  # (line, status, covered or None when unknown)
        # Names bound to the request's Origin, and the allow-list tests seen around each line.
        self.origin_names = set()
        self.guards = []  # stack of if-tests that guard the current statement

    # Names bound to the Origin header, and whether a test guards their use.
    def visit_Assign(self, node):
        if reads_origin(node.value) and not isinstance(node.value, ast.Dict):
            for target in node.targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        self.origin_names.add(sub.id)
        # headers["Access-Control-Allow-Origin"] = value
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                key = const_str(target.slice if not isinstance(target.slice, ast.Index) else target.slice.value)
                if key is not None:
                    self.header(key, node.value, node.lineno)
        self.generic_visit(node)

    def visit_If(self, node):
        self.visit(node.test)
        self.guards.append(node.test)
        for stmt in node.body:
            self.visit(stmt)
        self.guards.pop()
        # The else branch runs when the test failed: an origin echoed there was not checked.
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_Dict(self, node):
        keys = {}
        for key, value in zip(node.keys, node.values):
            text = const_str(key) if key is not None else None
            if text is not None:
                keys[text.lower()] = value
                self.header(text, value, key.lineno)
        if "statuscode" in keys:
            status = keys["statuscode"]
            status_value = status.value if isinstance(status, ast.Constant) and isinstance(status.value, int) else None
            headers = keys.get("headers")
            if headers is None:
                covered = False
            elif isinstance(headers, ast.Dict):
                covered = any((const_str(k) or "").lower() == ACAO for k in headers.keys if k is not None)
            else:
                covered = None  # computed elsewhere (a helper, a variable): not judged
            self.responses.append((node.lineno, status_value, covered))
        self.generic_visit(node)

    def header(self, name, value, line):
        lower = name.lower()
        if lower == ACAO:
            literal = const_str(value)
            if literal is not None:
                self.allow_origins.append({"line": line, "literal": literal})
            else:
                from_origin = reads_origin(value) or mentions(value, self.origin_names)
                checked = any(is_membership_test(test, self.origin_names) for test in self.guards)
                if isinstance(value, ast.IfExp) and is_membership_test(value.test, self.origin_names):
                    checked = True
                self.allow_origins.append({"line": line, "fromOrigin": from_origin, "checked": checked})
        elif lower == ACAC:
            if (const_str(value) or "").lower() == "true" or (isinstance(value, ast.Constant) and value.value is True):
                self.credentials = True
        elif lower == "vary":
            self.vary = True

    def visit_Constant(self, node):
        if isinstance(node.value, str) and ORIGIN_RE.match(node.value):
            self.literal_origins.append(node.value)

    def visit_Subscript(self, node):
        # os.environ["NAME"]
        if self.is_environ(node.value):
            key = const_str(node.slice if not isinstance(node.slice, ast.Index) else node.slice.value)
            if key:
                self.env_names.append(key)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and node.args:
            name = const_str(node.args[0])
            # os.environ.get("NAME"), os.getenv("NAME")
            if name and ((func.attr == "get" and self.is_environ(func.value)) or (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os")):
                self.env_names.append(name)
        if isinstance(func, ast.Name) and func.id == "getenv" and node.args and const_str(node.args[0]):
            self.env_names.append(const_str(node.args[0]))
        callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if callee == "CORSConfig":
            self.library = "powertools"
            for keyword in node.keywords:
                if keyword.arg == "allow_credentials" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
                    self.credentials = True
        self.generic_visit(node)

    @staticmethod
    def is_environ(node):
        return isinstance(node, ast.Attribute) and node.attr == "environ" or (isinstance(node, ast.Name) and node.id == "environ")


def read(source, filename):
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as error:
        return {"error": {"line": error.lineno or 1, "message": error.msg}}
    reader = Reader()
    reader.visit(tree)
    writes_acao = bool(reader.allow_origins) or reader.library is not None
    return {
        "allowOrigins": reader.allow_origins,
        "credentials": reader.credentials,
        "vary": reader.vary,
        "literalOrigins": sorted(set(reader.literal_origins)),
        "envNames": sorted(set(reader.env_names)),
        "library": reader.library,
        "uncovered": [
            {"line": line, "status": status}
            for line, status, covered in reader.responses
            if covered is False and writes_acao
        ],
    }


def main():
    requests = json.load(sys.stdin)
    out = {}
    for request in requests:
        out[request["key"]] = read(request["source"], request.get("file") or "<inline>")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
