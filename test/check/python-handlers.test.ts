/**
 * `crossgate check` reads Python handlers with Python's own parser (src/check/python/handler_scan.py) as it
 * reads JavaScript: the guide's header dict, an allow-list, '*', an echoed Origin, the headers missing on an
 * error path. `check --invoke` runs them instead. With no Python at all, check says so in a note.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run.js';
import type { Finding } from '../../src/check/types.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';
import { testPython, warnIfNoPython } from '../support/python.js';
import { runCli } from '../support/run-cli.js';

warnIfNoPython('the check tests with Python handlers');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossgate-check-python-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The guide's handler, as the guide writes it. */
const GUIDE_HANDLER = `import json

def lambda_handler(event, context):
    status_code = 200
    json_str = json.dumps({"items": []})
    return {
        "statusCode": status_code,
        "headers": {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Headers": "*",
            "Access-Control-Allow-Methods": "*",
        },
        "body": json_str,
    }
`;

const ALLOW_LIST = `import json
import os

ALLOWED = {"https://app.example.com"}

def handler(event, context):
    origin = (event.get("headers") or {}).get("origin")
    headers = {"Vary": "Origin"}
    if origin in ALLOWED:
        headers["Access-Control-Allow-Origin"] = origin
    return {"statusCode": 200, "headers": headers, "body": "{}"}
`;

const ECHOES = `def handler(event, context):
    origin = event["headers"].get("origin", "")
    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": origin}, "body": ""}
`;

const FORGETS = `import json

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps([])}
`;

const ERROR_PATH = `import json

HEADERS = {"Access-Control-Allow-Origin": "https://app.example.com", "Vary": "Origin"}

def handler(event, context):
    try:
        return {"statusCode": 200, "headers": HEADERS, "body": json.dumps([])}
    except Exception as error:
        return {"statusCode": 500, "body": json.dumps({"message": str(error)})}
`;

/** A template whose one function runs `source` (written to its own folder) behind a Cors API. */
function write(name: string, source: string, allowOrigin = "'https://app.example.com'"): string {
  const base = join(dir, name);
  mkdirSync(join(base, 'src'), { recursive: true });
  writeFileSync(join(base, 'src', 'app.py'), source);
  const file = join(base, 'template.yaml');
  writeFileSync(
    file,
    `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "${allowOrigin}"
        AllowHeaders: "'Content-Type'"
      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "${allowOrigin}"
        DEFAULT_5XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "${allowOrigin}"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.${source === GUIDE_HANDLER ? 'lambda_handler' : 'handler'}
      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }
`,
  );
  return file;
}

async function check(file: string, options: { python?: string } = {}) {
  const { readFileSync } = await import('node:fs');
  const model = loadTemplate(readFileSync(file, 'utf8'), file, { baseDir: join(file, '..') });
  return runCheck(model, buildDeployment(model, { evaluateConditions: true }), {
    python: options.python ?? testPython?.executable,
  });
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.code} ${f.severity}`);

describe.skipIf(!testPython)("Python handlers, read with Python's parser", () => {
  it("the guide's header dict ('*' for all three) behind a Cors API that names its origin: CG106, the handler's '*' disagrees (a warning: '*' still lets the page read it)", async () => {
    const result = await check(write('guide', GUIDE_HANDLER));
    const mismatch = result.findings.find((f) => f.code === 'CG106');
    expect(mismatch).toMatchObject({ severity: 'warning' });
    expect(mismatch?.message).toMatch(
      /Fn answers Access-Control-Allow-Origin: \* but Api's Cors allows https:\/\/app\.example\.com \(app\.py:9\)/,
    );
  });

  it('an allow-list checked before echoing the Origin, with Vary: no finding', async () => {
    const result = await check(write('allow-list', ALLOW_LIST));
    expect(summary(result.findings)).toEqual([]);
    expect(result.simulations.filter((s) => s.expectedAllowed).every((s) => s.verdict.allowed)).toBe(true);
  });

  it('the Origin echoed with no check: CG117 origin-reflected (any site may read the answer)', async () => {
    const result = await check(write('echoes', ECHOES));
    expect(result.findings.map((f) => f.rule)).toContain('origin-reflected');
  });

  it('no Access-Control-Allow-Origin anywhere: CG105 handler-missing-cors (an error), its fix in Python, not crossgate/lambda (a Node.js library)', async () => {
    const result = await check(write('forgets', FORGETS));
    const finding = result.findings.find((f) => f.code === 'CG105');
    expect(finding).toMatchObject({ severity: 'error' });
    // Seen on serverless-patterns apigw-lambda-tenant-isolation (python3.14): the hint was `export const handler = withCors(…)`.
    expect(finding?.hint).toBe(
      'Return the header on every path, errors included: `"headers": {"Access-Control-Allow-Origin": "<origin>"}` in each response dict, from one helper that builds them (as examples/guide-python/src/app.py does).',
    );
  });

  it('an error path that returns no headers: CG105 names the line and the status (a warning: the page sees a CORS error instead of the 500)', async () => {
    const result = await check(write('error-path', ERROR_PATH));
    const finding = result.findings.find((f) => f.code === 'CG105');
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding?.message).toBe(
      'Fn returns statusCode 500 without Access-Control-Allow-Origin (src/app.py:9), though it sends the header elsewhere: the browser hides that answer from the page, which sees a CORS error instead.',
    );
  });

  it('the example (examples/guide-python) checks clean', async () => {
    const result = await check('examples/guide-python/template.yaml');
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it('a handler saved with a UTF-8 byte order mark (as Windows editors write it) is read: Python skips the BOM on import', async () => {
    const result = await check(write('bom', `\ufeff${ALLOW_LIST}`));
    expect(result.notes).toEqual([]);
    expect(summary(result.findings)).toEqual([]);
  });

  it('a handler that does not parse: a note with file:line, nothing read', async () => {
    const result = await check(write('broken', 'def handler(event, context)\n    return 1\n'));
    // Worded for the reader when the Python that reads it is older than the Runtime (python3.12).
    expect(result.notes.join('\n')).toMatch(
      /app\.py:1: (the handler does not parse|Python [\d.]+ cannot parse the handler) \(SyntaxError: /,
    );
  });
});

/** A handler plus other modules of its code folder (`{"cors.py": "..."}`). */
function writeWith(name: string, source: string, modules: Record<string, string>): string {
  const file = write(name, source);
  for (const [path, text] of Object.entries(modules)) {
    mkdirSync(join(dir, name, 'src', path, '..'), { recursive: true });
    writeFileSync(join(dir, name, 'src', path), text);
  }
  return file;
}

const ORIGIN_CONST = 'ORIGIN = "https://app.example.com"\n';

describe.skipIf(!testPython)(
  'handlers as people write them — helpers, dict unpacking, module constants, f-strings, local imports — read right, or left alone (no false finding)',
  () => {
    const clean: Array<[string, string, Record<string, string>]> = [
      [
        'headers unpacked from a module-level dict ({**CORS, ...}) on every path, the error path too',
        `import json\nCORS = {"Access-Control-Allow-Origin": "https://app.example.com", "Vary": "Origin"}\n\ndef handler(event, context):\n    try:\n        return {"statusCode": 200, "headers": {**CORS, "Content-Type": "application/json"}, "body": "{}"}\n    except Exception:\n        return {"statusCode": 500, "headers": {**CORS}, "body": "{}"}\n`,
        {},
      ],
      [
        'a respond() helper that unpacks the headers and extra ones it is given',
        `import json\nHEADERS = {"Access-Control-Allow-Origin": "https://app.example.com"}\n\ndef respond(status, body, extra=None):\n    return {"statusCode": status, "headers": {**HEADERS, **(extra or {})}, "body": json.dumps(body)}\n\ndef handler(event, context):\n    if event.get("httpMethod") == "POST":\n        return respond(201, {})\n    return respond(200, {}, {"Cache-Control": "no-cache"})\n`,
        {},
      ],
      [
        'the origin in a module constant: a fixed value, not one computed per request (no Vary needed)',
        `${ORIGIN_CONST}\ndef handler(event, context):\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": ORIGIN}, "body": "{}"}\n`,
        {},
      ],
      [
        'the origin as an f-string of module constants',
        `SCHEME = "https"\nDOMAIN = "app.example.com"\n\ndef handler(event, context):\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": f"{SCHEME}://{DOMAIN}"}, "body": "{}"}\n`,
        {},
      ],
      [
        'the origin from an environment variable (os.environ["ALLOWED_ORIGIN"] at module level): the same for every request, so no Vary is needed',
        `import os\nALLOWED = os.environ["ALLOWED_ORIGIN"]\n\ndef handler(event, context):\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": ALLOWED}, "body": "{}"}\n`,
        {},
      ],
      [
        'the origin read in the handler from a variable named ORIGIN (os.environ.get("ORIGIN", default)): not the request\'s Origin echoed',
        `import os\n\ndef handler(event, context):\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": os.environ.get("ORIGIN", "https://app.example.com")}, "body": "{}"}\n`,
        {},
      ],
      [
        'headers.setdefault("Access-Control-Allow-Origin", …)',
        `def handler(event, context):\n    headers = {"Content-Type": "application/json"}\n    headers.setdefault("Access-Control-Allow-Origin", "https://app.example.com")\n    return {"statusCode": 200, "headers": headers, "body": "{}"}\n`,
        {},
      ],
      [
        'the headers built in another module of the code folder (from cors import cors_headers)',
        `from cors import cors_headers\n\ndef handler(event, context):\n    return {"statusCode": 200, "headers": cors_headers(), "body": "{}"}\n`,
        {
          'cors.py': `${ORIGIN_CONST}\ndef cors_headers():\n    return {"Access-Control-Allow-Origin": ORIGIN, "Vary": "Origin"}\n`,
        },
      ],
      [
        'the headers built in a package module (from shared.http import respond)',
        `from shared.http import respond\n\ndef handler(event, context):\n    return respond(200, "{}")\n`,
        {
          'shared/__init__.py': '',
          'shared/http.py': `from .origins import ORIGIN\n\ndef respond(status, body):\n    return {"statusCode": status, "headers": {"Access-Control-Allow-Origin": ORIGIN}, "body": body}\n`,
          'shared/origins.py': ORIGIN_CONST,
        },
      ],
    ];
    it.each(clean)('%s: no finding', async (name, source, modules) => {
      const result = await check(writeWith(name.replace(/\W+/g, '-').slice(0, 40), source, modules));
      expect(result.notes).toEqual([]);
      expect(summary(result.findings)).toEqual([]);
    });

    it('a dict with a statusCode inside a body (json.dumps({...}), a nested dict) is data, not a response without the header', async () => {
      const result = await check(
        write(
          'nested-status',
          `import json\nHEADERS = {"Access-Control-Allow-Origin": "https://app.example.com"}\n\ndef handler(event, context):\n    job = {"result": {"statusCode": 3, "detail": "queued"}}\n    return {"statusCode": 200, "headers": HEADERS, "body": json.dumps({"statusCode": "OK", "job": job})}\n`,
        ),
      );
      expect(summary(result.findings)).toEqual([]);
    });

    it("a module constant that is '*' is read as '*' (CG106: the handler's '*' disagrees with the Cors origin)", async () => {
      const result = await check(
        write(
          'const-star',
          `ANY = "*"\n\ndef handler(event, context):\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": ANY}, "body": ""}\n`,
        ),
      );
      expect(result.findings.find((f) => f.code === 'CG106')?.message).toMatch(
        /Fn answers Access-Control-Allow-Origin: \* but Api's Cors allows https:\/\/app\.example\.com \(app\.py:4\)/,
      );
    });

    it('a name bound at module level and again in the handler is not a constant: computed, so Vary is asked for (CG116)', async () => {
      const result = await check(
        write(
          'rebound',
          `ORIGIN = "https://app.example.com"\n\ndef handler(event, context):\n    global ORIGIN\n    ORIGIN = (event.get("headers") or {}).get("x-origin", ORIGIN)\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": ORIGIN}, "body": ""}\n`,
        ),
      );
      expect(result.findings.map((f) => f.code)).toContain('CG116');
    });

    it('a dict unpacked into the headers that has no Access-Control-Allow-Origin still leaves that answer uncovered (CG105 warning)', async () => {
      const result = await check(
        write(
          'unpacked-without',
          `BASE = {"Content-Type": "application/json"}\nCORS = {"Access-Control-Allow-Origin": "https://app.example.com"}\n\ndef handler(event, context):\n    if not event.get("body"):\n        return {"statusCode": 400, "headers": {**BASE}, "body": ""}\n    return {"statusCode": 200, "headers": {**BASE, **CORS}, "body": ""}\n`,
        ),
      );
      expect(result.findings.find((f) => f.code === 'CG105')).toMatchObject({
        severity: 'warning',
        message: expect.stringMatching(
          /^Fn returns statusCode 400 without Access-Control-Allow-Origin \(src\/app\.py:6\)/,
        ),
      });
    });

    it("packages installed into the code folder (pip install -t, sam build: a .dist-info beside them) are dependencies, not read as the handler's code", async () => {
      const result = await check(
        writeWith(
          'vendored',
          `import fakecors\n\ndef handler(event, context):\n    return {"statusCode": 200, "body": ""}\n`,
          {
            'fakecors/__init__.py': 'DEFAULTS = {"Access-Control-Allow-Origin": "*"}\n',
            'fakecors-1.0.dist-info/RECORD':
              'fakecors/__init__.py,sha256=x,40\nfakecors-1.0.dist-info/RECORD,,\n',
          },
        ),
      );
      // The handler itself sends no header: CG105, not a '*' read out of the installed package.
      expect(result.findings.find((f) => f.code === 'CG105')).toMatchObject({ severity: 'error' });
      expect(result.findings.map((f) => f.code)).not.toContain('CG106');
    });

    it("an imported module that echoes the Origin unchecked is the handler's doing: CG117 origin-reflected", async () => {
      const result = await check(
        writeWith(
          'imported-echo',
          `from util import respond\n\ndef handler(event, context):\n    return respond(event, 200)\n`,
          {
            'util.py': `def respond(event, status):\n    origin = event["headers"].get("origin", "")\n    return {"statusCode": status, "headers": {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}, "body": ""}\n`,
          },
        ),
      );
      expect(result.findings.map((f) => f.rule)).toContain('origin-reflected');
    });
  },
);

describe.skipIf(!testPython)('check --invoke runs Python handlers', () => {
  it('an Origin echoed unchecked is found by running the handler: origin-reflected', async () => {
    const file = write('invoke-echoes', ECHOES);
    const run = await runCli(
      ['check', file, '--invoke', '--python', testPython!.executable, '--format', 'json'],
      {
        plain: true,
      },
    );
    const report = JSON.parse(run.stdout) as { findings: Array<{ rule: string }> };
    expect(report.findings.map((f) => f.rule)).toContain('origin-reflected');
  });

  it('a folder that holds one template is that template (it used to refuse: "--invoke takes one template; . names 1")', async () => {
    const file = write('invoke-folder', ECHOES);
    const run = await runCli(
      ['check', join(file, '..'), '--invoke', '--python', testPython!.executable, '--format', 'json'],
      { plain: true },
    );
    const report = JSON.parse(run.stdout) as { findings: Array<{ rule: string }> };
    expect(report.findings.map((f) => f.rule)).toContain('origin-reflected');
  });

  it('a folder with more than one template: exit 2, naming how many and one to pick', async () => {
    const two = join(dir, 'two-templates');
    for (const name of ['a', 'b']) {
      mkdirSync(join(two, name), { recursive: true });
      writeFileSync(
        join(two, name, 'template.yaml'),
        'Transform: AWS::Serverless-2016-10-31\nResources: {}\n',
      );
    }
    const run = await runCli(['check', two, '--invoke'], { plain: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--invoke takes one template; .*two-templates holds 2: name one \(.*template\.yaml\)/,
    );
  });

  it('the example runs clean', async () => {
    const run = await runCli(
      ['check', 'examples/guide-python/template.yaml', '--invoke', '--python', testPython!.executable],
      {
        plain: true,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no CORS defects found');
  });
});

describe('with no Python at all', () => {
  it('check still runs: a note says the Python handlers were not read, and how to install one', async () => {
    const file = write('no-python', ALLOW_LIST);
    const saved = { PATH: process.env.PATH, HOME: process.env.HOME, PYENV_ROOT: process.env.PYENV_ROOT };
    const empty = mkdtempSync(join(tmpdir(), 'crossgate-nopython-'));
    Object.assign(process.env, { PATH: empty, HOME: empty, PYENV_ROOT: empty });
    try {
      const run = await runCli(['check', file], { plain: true });
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).toMatch(
        /Python handlers were not read \(no Python found for python3\.12.*uv python install 3\.12/,
      );
    } finally {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('which Python reads the handlers', () => {
  it("a Python older than 3.8 (Amazon Linux 2's python3 is 3.7) reads nothing and says so: its ast has no ast.Constant strings, and every handler would look like one that sends no header (a false CG105)", async () => {
    const fake = mkdtempSync(join(tmpdir(), 'crossgate-oldpython-'));
    try {
      // Answers the version probe as Python 3.7.16 would; reading must not be tried with it.
      const python = join(fake, 'python3.7');
      writeFileSync(python, `#!/bin/sh\necho 3.7.16\necho ${python}\n`, { mode: 0o755 });
      const result = await check(write('old-python', ALLOW_LIST), { python });
      expect(result.notes).toEqual([
        `Python handlers were not read: Python 3.7.16 (${python}) is older than 3.8, which reading them needs; install a newer one or name it with --python. check treated them as unknown`,
      ]);
      expect(result.findings.map((f) => f.code)).not.toContain('CG105');
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('a handler that does not parse on a Python older than its Runtime: the note says the syntax may be newer than the reader, and how to read it right', async () => {
    const { parseFailureNote } = await import('../../src/check/python-handlers.js');
    expect(parseFailureNote('src/app.py:3', 'invalid syntax', '3.9.18', 'python3.12')).toBe(
      'src/app.py:3: Python 3.9.18 cannot parse the handler (SyntaxError: invalid syntax), and it is older than python3.12, whose syntax the code may use: install Python 3.12 or name it with --python; check read nothing from it',
    );
    // Read by its own version or a newer one: a syntax error is the code's.
    expect(parseFailureNote('src/app.py:3', 'invalid syntax', '3.12.1', 'python3.12')).toBe(
      'src/app.py:3: the handler does not parse (SyntaxError: invalid syntax); check read nothing from it',
    );
    expect(parseFailureNote('src/app.py:3', 'invalid syntax', '3.13.0', 'python3.12')).not.toMatch(/older/);
  });

  it('version managers’ shim folders are left out of the first search (a pyenv shim costs a shell and a lookup on every start, ~100 ms)', async () => {
    const { withoutShims } = await import('../../src/check/python-handlers.js');
    const { delimiter } = await import('node:path');
    const PATH = ['/root/.pyenv/shims', '/usr/local/bin', '/home/u/.asdf/shims', '/usr/bin'].join(delimiter);
    expect(withoutShims({ PATH, HOME: '/h' })).toEqual({
      PATH: ['/usr/local/bin', '/usr/bin'].join(delimiter),
      HOME: '/h',
    });
  });
  it.skipIf(!testPython)(
    'a Python reached only through a shim still reads them: the second search looks as the runtime does',
    async () => {
      const file = write('shim-only', ALLOW_LIST);
      const saved = { PATH: process.env.PATH, HOME: process.env.HOME, PYENV_ROOT: process.env.PYENV_ROOT };
      const home = mkdtempSync(join(tmpdir(), 'crossgate-shims-'));
      const shims = join(home, 'shims');
      mkdirSync(shims);
      const { chmodSync } = await import('node:fs');
      writeFileSync(join(shims, 'python3'), `#!/bin/sh\nexec ${testPython!.executable} "$@"\n`);
      chmodSync(join(shims, 'python3'), 0o755);
      Object.assign(process.env, { PATH: shims, HOME: home, PYENV_ROOT: home });
      try {
        const run = await runCli(['check', file, '--format', 'json'], { plain: true });
        const report = JSON.parse(run.stdout);
        expect(report.notes.join('\n')).not.toMatch(/Python handlers were not read/);
        expect(report.apis[0].intent.map((i: { source: string }) => i.source)).toContain('handler');
      } finally {
        for (const [name, value] of Object.entries(saved))
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
