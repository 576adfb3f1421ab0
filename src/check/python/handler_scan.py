"""Reads Python Lambda handlers for `crossgate check`, with Python's own parser (ast). Standard library only.

Input on stdin: a JSON list of {"key", "source", "file", "root"} (root: the code folder, where the modules the
handler imports are looked for). Output on stdout: a JSON object, key → what the
source says about CORS:

    allowOrigins   every Access-Control-Allow-Origin value the code writes: {"line", "literal"} for a string,
                   {"line", "fromOrigin", "checked", "static"} for a computed one (fromOrigin: it reads the
                   request's Origin header; checked: an allow-list test guards it; static: the same for every
                   request, an environment variable or a constant); line 0: written in an imported module
    credentials    Access-Control-Allow-Credentials is written as "true" (or True)
    vary           a Vary header is written
    literalOrigins strings in the module that are origins (https://app.example.com)
    envNames       environment variables the module reads (os.environ[...], os.environ.get, os.getenv)
    library        "powertools" when the module uses Powertools' CORSConfig
    uncovered      responses built without Access-Control-Allow-Origin: {"line", "status"} for each dict
                   literal with a statusCode and no such header (when the module writes it elsewhere)
    error          the source does not parse: {"line", "message"}

A name bound once, at module level, to a string (ORIGIN = "https://app.example.com"), and an f-string or `+`
of such parts, is read as that string. Modules of the code folder that the handler imports (`from cors import
headers`, `from .util import respond`) are read too: what they write counts as the handler's (without a line,
which would be another file's).
"""

import ast
import json
import os
import re
import sys

ORIGIN_RE = re.compile(r"^https?://[^/\s'\"]+$")
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
# `x := y` (Python 3.8+): none on an older reader (Amazon Linux 2's python3 is 3.7).
NAMED_EXPR = getattr(ast, "NamedExpr", ())
# How many of the code folder's modules one handler's imports may pull in.
MAX_IMPORTED = 32


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


CONSTANTS = {}


def module_constants(tree, filename=None, root=None, depth=2):
    """module_constants_of(), once per module file (a folder's modules import each other)."""
    if filename is None or filename == "<inline>":
        return module_constants_of(tree, filename, root, depth)
    key = (os.path.abspath(filename), root, depth)
    if key not in CONSTANTS:
        CONSTANTS[key] = module_constants_of(tree, filename, root, depth)
    return CONSTANTS[key]


def module_constants_of(tree, filename=None, root=None, depth=2):
    """Names bound exactly once in the whole module, at its top level: {name: str} for strings (and
    f-strings or `+` of them), {name: ast.Dict} for dict literals; with the code folder (root), also the
    constants the module imports from its modules (`from .origins import ORIGIN`). A name bound anywhere
    else too (a function's local, a loop variable, `global`) is not a constant."""
    bound = {}
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.comprehension)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, NAMED_EXPR):
            targets = [node.target]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bound[name] = bound.get(name, 0) + 2
        elif isinstance(node, ast.arg):
            bound[node.arg] = bound.get(node.arg, 0) + 2
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    bound[sub.id] = bound.get(sub.id, 0) + 1
    strings, dicts, statics = {}, {}, set()
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and root and depth > 0:
            for path in import_from_files(stmt, filename, root):
                other = parse_file(path)
                if other is None:
                    continue
                other_strings, other_dicts, other_statics = module_constants(other, path, root, depth - 1)
                for alias in stmt.names:
                    name = alias.asname or alias.name
                    if bound.get(name, 0) > 0:
                        continue
                    if alias.name in other_strings:
                        strings[name] = other_strings[alias.name]
                    elif alias.name in other_dicts:
                        dicts[name] = other_dicts[alias.name]
                    elif alias.name in other_statics:
                        statics.add(name)
                break
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name, value = stmt.target.id, stmt.value
        else:
            continue
        if bound.get(name) != 1:
            continue
        text = fold(value, strings)
        if text is not None:
            strings[name] = text
        elif isinstance(value, ast.Dict):
            dicts[name] = value
        elif is_static(value, strings, statics):
            statics.add(name)
    return strings, dicts, statics


def is_environ(node):
    return isinstance(node, ast.Attribute) and node.attr == "environ" or (isinstance(node, ast.Name) and node.id == "environ")


def is_static(node, strings, statics):
    """The value is the same for every request: literals, module constants, and the function's environment
    variables (os.environ["X"], os.environ.get("X", default), os.getenv("X")), joined or concatenated."""
    if fold(node, strings) is not None:
        return True
    if isinstance(node, ast.Name):
        return node.id in statics
    if isinstance(node, ast.Subscript):
        return is_environ(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        reads_env = (node.func.attr == "get" and is_environ(node.func.value)) or (
            node.func.attr == "getenv" and isinstance(node.func.value, ast.Name) and node.func.value.id == "os")
        return reads_env and all(is_static(arg, strings, statics) for arg in node.args)
    if isinstance(node, ast.BoolOp):
        return all(is_static(value, strings, statics) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return is_static(node.left, strings, statics) and is_static(node.right, strings, statics)
    if isinstance(node, ast.JoinedStr):
        return all(is_static(v.value if isinstance(v, ast.FormattedValue) else v, strings, statics) for v in node.values)
    return False


def fold(node, strings):
    """The string an expression always is, made of literals and module constants; None when it is not one."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return strings.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion not in (-1, None) or value.format_spec is not None:
                    return None
                value = value.value
            text = fold(value, strings)
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = fold(node.left, strings), fold(node.right, strings)
        return left + right if left is not None and right is not None else None
    return None


class Reader(ast.NodeVisitor):
    def __init__(self, constants=None):
        # The module's constants, worked out only when a value needs them (most modules never do).
        self._constants = constants
        self._known = None
        self.imports = []  # its import statements, anywhere in it
        self.allow_origins = []
        self.credentials = False
        self.vary = False
        self.literal_origins = []
        self.env_names = []
        self.library = None
        self.responses = []  # (line, status, covered or None when unknown)
        # Dicts that are data, not a response: inside another dict, or serialised (json.dumps({...})).
        self.data = set()
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
            if key is not None:
                self.mark_data(value)
        if "statuscode" in keys and id(node) not in self.data:
            status = keys["statuscode"]
            status_value = status.value if isinstance(status, ast.Constant) and isinstance(status.value, int) else None
            headers = keys.get("headers")
            covered = False if headers is None else self.covers(headers)
            self.responses.append((node.lineno, status_value, covered))
        self.generic_visit(node)

    def covers(self, headers):
        """Whether a response's headers hold Access-Control-Allow-Origin: True, False, or None when they are
        computed elsewhere (a helper, a variable, a dict unpacked into them) and not judged."""
        if isinstance(headers, ast.Name) and headers.id in self.dicts:
            headers = self.dicts[headers.id]
        if not isinstance(headers, ast.Dict):
            return None
        unknown = False
        for key, value in zip(headers.keys, headers.values):
            if key is None:
                # {**CORS_HEADERS, ...}
                inner = self.covers(value)
                if inner:
                    return True
                unknown = unknown or inner is None
            elif (const_str(key) or "").lower() == ACAO:
                return True
        return None if unknown else False

    def header(self, name, value, line):
        lower = name.lower()
        if lower == ACAO:
            literal = fold(value, self.strings)
            if literal is not None:
                self.allow_origins.append({"line": line, "literal": literal})
            else:
                # The same value for every request (an environment variable, even one named ORIGIN): it
                # echoes nothing, and needs no Vary.
                static = is_static(value, self.strings, self.statics)
                from_origin = not static and (reads_origin(value) or mentions(value, self.origin_names))
                checked = any(is_membership_test(test, self.origin_names) for test in self.guards)
                if isinstance(value, ast.IfExp) and is_membership_test(value.test, self.origin_names):
                    checked = True
                entry = {"line": line, "fromOrigin": from_origin, "checked": checked}
                if static:
                    entry["static"] = True
                self.allow_origins.append(entry)
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
        if is_environ(node.value):
            key = const_str(node.slice if not isinstance(node.slice, ast.Index) else node.slice.value)
            if key:
                self.env_names.append(key)
        self.generic_visit(node)

    @property
    def strings(self):
        return self.known()[0]

    @property
    def dicts(self):
        return self.known()[1]

    @property
    def statics(self):
        return self.known()[2]

    def known(self):
        if self._known is None:
            self._known = self._constants() if self._constants else ({}, {}, set())
        return self._known

    def visit_Import(self, node):
        self.imports.append(node)

    def visit_ImportFrom(self, node):
        self.imports.append(node)

    def mark_data(self, node):
        if isinstance(node, (ast.Constant, ast.Name, ast.Attribute)):
            return
        for sub in ast.walk(node):
            if isinstance(sub, ast.Dict):
                self.data.add(id(sub))

    def visit_Call(self, node):
        func = node.func
        if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in ("dumps", "dump"):
            for arg in node.args:
                self.mark_data(arg)
        if isinstance(func, ast.Attribute) and node.args:
            name = const_str(node.args[0])
            # os.environ.get("NAME"), os.getenv("NAME")
            if name and ((func.attr == "get" and is_environ(func.value)) or (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os")):
                self.env_names.append(name)
        if isinstance(func, ast.Name) and func.id == "getenv" and node.args and const_str(node.args[0]):
            self.env_names.append(const_str(node.args[0]))
        # headers.setdefault("Access-Control-Allow-Origin", value)
        if isinstance(func, ast.Attribute) and func.attr in ("setdefault", "__setitem__") and len(node.args) >= 2:
            key = const_str(node.args[0])
            if key is not None:
                self.header(key, node.args[1], node.lineno)
        callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if callee == "CORSConfig":
            self.library = "powertools"
            for keyword in node.keywords:
                if keyword.arg == "allow_credentials" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
                    self.credentials = True
        self.generic_visit(node)



PARSED = {}


def parse_file(path):
    """A module of the code folder, parsed once; None when it cannot be read."""
    if path not in PARSED:
        try:
            # As bytes, as Python reads a module: its BOM and coding declaration decide the encoding.
            with open(path, "rb") as handle:
                PARSED[path] = ast.parse(handle.read(), filename=path)
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
            PARSED[path] = None
    return PARSED[path]


def import_from_files(node, filename, root):
    """The file `from X import …` reads names from (X.py or X/__init__.py), relative ones included."""
    base = root
    if node.level:
        if not filename or filename == "<inline>":
            return []
        base = os.path.dirname(os.path.abspath(filename))
        for _ in range(node.level - 1):
            base = os.path.dirname(base)
    module = (node.module or "").replace(".", os.sep)
    return module_files(base, module) if module else []


VENDORED = {}


def vendored(root):
    """Top-level names of the packages installed into the code folder (`pip install -t`, `sam build`), from
    their .dist-info RECORD or .egg-info top_level.txt: they are dependencies, not the handler's code."""
    if root not in VENDORED:
        names = set()
        try:
            entries = os.listdir(root)
        except OSError:
            entries = []
        for entry in entries:
            listing = None
            if entry.endswith(".dist-info"):
                listing = os.path.join(root, entry, "RECORD")
            elif entry.endswith(".egg-info"):
                listing = os.path.join(root, entry, "top_level.txt")
            if listing is None:
                continue
            try:
                with open(listing, encoding="utf-8") as handle:
                    for line in handle:
                        top = line.split(",", 1)[0].strip().split("/", 1)[0]
                        if top and top != ".." and not top.endswith((".dist-info", ".egg-info")):
                            names.add(top[:-3] if top.endswith(".py") else top)
            except OSError:
                continue
        VENDORED[root] = names
    return VENDORED[root]


IMPORTS = {}


def local_imports(imports, filename, root):
    """The files of the code folder that a module imports (`import a.b`, `from a import b`, `from .c import d`),
    the packages installed into it left out; once per module file."""
    if not filename or filename == "<inline>":
        return local_imports_of(imports, filename, root)
    key = (os.path.abspath(filename), root)
    if key not in IMPORTS:
        IMPORTS[key] = local_imports_of(imports, filename, root)
    return IMPORTS[key]


def local_imports_of(imports, filename, root):
    skip = vendored(root)
    found = [path for path in imported_files(imports, filename, root)
             if os.path.relpath(path, root).split(os.sep, 1)[0].rsplit(".py", 1)[0] not in skip]
    return found


def imported_files(imports, filename, root):
    found = []
    here = os.path.dirname(os.path.abspath(filename)) if filename and filename != "<inline>" else None
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.extend(module_files(root, alias.name.replace(".", os.sep)))
        elif isinstance(node, ast.ImportFrom):
            base = root
            if node.level:
                if here is None:
                    continue
                base = here
                for _ in range(node.level - 1):
                    base = os.path.dirname(base)
            module = (node.module or "").replace(".", os.sep)
            if module:
                found.extend(module_files(base, module))
            # `from a import b`: b may be a module of package a as well as a name in a.py.
            package = os.path.join(base, module) if module else base
            for alias in node.names:
                if alias.name != "*":
                    found.extend(module_files(package, alias.name))
    return found


def module_files(base, path):
    if not base:
        return []
    for candidate in (os.path.join(base, path + ".py"), os.path.join(base, path, "__init__.py")):
        if os.path.isfile(candidate):
            return [os.path.abspath(candidate)]
    return []


def read(source, filename, root=None):
    # A UTF-8 BOM (editors on Windows write one) is no character of the source: Python skips it on import.
    if source.startswith("\ufeff"):
        source = source[1:]
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as error:
        return {"error": {"line": error.lineno or 1, "message": error.msg}}
    root = os.path.abspath(root) if root else None
    reader = Reader(lambda: module_constants(tree, filename, root))
    reader.visit(tree)
    if root:
        read_imports(reader, filename, root)
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


READ = {}


def read_module(tree, path, root):
    """What an imported module writes, read once per module file."""
    key = (path, root)
    if key not in READ:
        other = Reader(lambda: module_constants(tree, path, root))
        other.visit(tree)
        READ[key] = other
    return READ[key]


def read_imports(reader, filename, root):
    """Adds what the code folder's modules the handler imports write (and theirs, breadth first)."""
    seen = {os.path.abspath(filename)} if filename and filename != "<inline>" else set()
    queue = [(reader.imports, filename)]
    while queue and len(seen) < MAX_IMPORTED:
        module_imports, module_file = queue.pop(0)
        for path in local_imports(module_imports, module_file, root):
            if path in seen or not path.startswith(root + os.sep):
                continue
            seen.add(path)
            imported = parse_file(path)
            if imported is None:
                continue
            other = read_module(imported, path, root)
            for entry in other.allow_origins:
                reader.allow_origins.append(dict(entry, line=0))  # another file's line
            reader.credentials = reader.credentials or other.credentials
            reader.vary = reader.vary or other.vary
            reader.literal_origins.extend(other.literal_origins)
            reader.env_names.extend(other.env_names)
            reader.library = reader.library or other.library
            queue.append((other.imports, path))


def main():
    requests = json.load(sys.stdin)
    out = {}
    for request in requests:
        out[request["key"]] = read(request["source"], request.get("file") or "<inline>", request.get("root"))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
