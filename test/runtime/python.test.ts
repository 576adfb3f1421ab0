/**
 * Python handlers through crossgate's Python runtime (src/runtime/python/bootstrap.py) and the Runtime API,
 * each behaviour as Lambda's Python runtime shows it. Sources: AWS Lambda docs "Define Lambda function handler
 * in Python", "Using the Lambda context object to retrieve Python function information", "AWS Lambda function
 * errors in Python", "Defined runtime environment variables"; the runtime interface client
 * (aws/aws-lambda-python-runtime-interface-client, awslambdaric/bootstrap.py) for the exact wording.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createRuntime,
  type InvocationRecord,
  type InvokeOutcome,
  type Runtime,
} from '../../src/runtime/index.js';
import { testPython, warnIfNoPython } from '../support/python.js';
import { fixtures, requestId, spec } from './helpers.js';

warnIfNoPython('the Python runtime tests');
const app = join(fixtures, 'python-app');
let scratch: string;
let runtime: Runtime;
const logged: Array<[string, string, string]> = [];
const records: Array<[string, InvocationRecord]> = [];

const py = (id: string, handler: string, extra: Parameters<typeof spec>[3] = {}) =>
  spec(id, app, handler, { runtime: testPython?.runtime, ...extra });

beforeAll(() => {
  if (!testPython) return;
  scratch = mkdtempSync(join(tmpdir(), 'crossgate-python-'));
  // Files that do not parse live outside the repository.
  mkdirSync(join(scratch, 'broken'));
  writeFileSync(join(scratch, 'broken', 'syntax.py'), 'def handler(event, context)\n    return 1\n');
  // Two layers, each with python/ and python/lib/pythonX.Y/site-packages (AWS Lambda docs: Packaging your
  // layer content, layer paths for each Lambda runtime); the second overrides the first, as in /opt.
  for (const [layer, name] of [
    ['layer-a', 'a'],
    ['layer-b', 'b'],
  ]) {
    const site = join(scratch, layer, 'python', 'lib', `python${testPython.minor}`, 'site-packages');
    mkdirSync(site, { recursive: true });
    writeFileSync(join(scratch, layer, 'python', 'layer_module.py'), `NAME = "${name}"\n`);
    writeFileSync(join(site, 'layer_site_module.py'), `NAME = "site-${name}"\n`);
    mkdirSync(join(scratch, layer, 'bin'));
    mkdirSync(join(scratch, layer, 'lib'));
  }
  runtime = createRuntime(
    [
      py('Echo', 'app.echo'),
      py('Env', 'app.environment', {
        environment: { TABLE_NAME: 'from-template', AWS_REGION: 'template-cannot-override' },
        memoryMB: 256,
      }),
      py('Counter', 'app.counter'),
      py('Fails', 'app.fails'),
      py('Logs', 'app.logs'),
      py('Exits', 'app.exits'),
      py('KillsItself', 'app.kills_itself'),
      py('KillsGroup', 'app.kills_its_group'),
      py('KillsParent', 'app.kills_its_parent'),
      py('SignalsEveryone', 'app.signals_everyone'),
      py('Hangs', 'app.hangs'),
      py('Sleeps', 'app.sleeps'),
      py('NotJson', 'app.not_json'),
      py('Bytes', 'app.returns_bytes'),
      py('Big', 'app.big'),
      py('Allocates', 'app.allocates', { memoryMB: 64 }),
      py('ChildAllocates', 'app.child_allocates', { memoryMB: 64 }),
      py('Helper', 'app.uses_helper'),
      py('Layered', 'app.uses_layer', { layers: [join(scratch, 'layer-a'), join(scratch, 'layer-b')] }),
      py('NoModule', 'nowhere.handler'),
      py('NeedsDependency', 'needs_dependency.handler'),
      py('NoNewline', 'app.no_newline'),
      py('NoFunction', 'app.missing_function'),
      py('Malformed', 'app'),
      py('ImportRaises', 'raises_at_import.handler'),
      spec('Syntax', join(scratch, 'broken'), 'syntax.handler', { runtime: testPython.runtime }),
      spec('InlineNotIndex', join(scratch, 'nowhere'), 'app.handler', {
        runtime: testPython.runtime,
        inlineCode: 'def handler(event, context):\n    return 1\n',
      }),
      spec('Inline', join(scratch, 'nowhere'), 'index.handler', {
        runtime: testPython.runtime,
        inlineCode:
          'def handler(event, context):\n    return {"statusCode": 200, "body": "inline " + str(event["n"])}\n',
      }),
    ],
    {
      region: 'eu-west-3',
      python: testPython.executable,
      onLog: (functionId, id, line) => logged.push([functionId, id, line]),
      onInvocation: (functionId, record) => records.push([functionId, record]),
    },
  );
});

afterAll(async () => {
  await runtime?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function invoke(id: string, event: unknown = {}, timeoutMs = 3000): Promise<InvokeOutcome> {
  return runtime.invoke(id, event, requestId(), timeoutMs);
}

function value<T>(outcome: InvokeOutcome): T {
  if (!outcome.ok) throw new Error(`${outcome.kind} ${outcome.errorType}: ${outcome.message}`);
  return outcome.value as T;
}

describe.skipIf(!testPython)(
  'Python handlers run as in Lambda (AWS Lambda docs: Define Lambda function handler in Python)',
  () => {
    test('the event arrives as the handler was sent it (JSON), and the return value comes back as JSON', async () => {
      const event = {
        headers: {
          'X-Amzn-Trace-Id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
        },
        n: 1.5,
        list: [1, 'two', null, true],
        text: 'é ✓',
      };
      const result = value<{ event: unknown; trace: string }>(await invoke('Echo', event));
      expect(result.event).toEqual(event);
      // The runtime sets _X_AMZN_TRACE_ID from Lambda-Runtime-Trace-Id (AWS Lambda docs: Using the Lambda runtime API).
      expect(result.trace).toBe(event.headers['X-Amzn-Trace-Id']);
      // An HTTP API's payload 2.0 has its header names in lower case; a later event without one clears it.
      const lower = value<{ trace: string }>(
        await invoke('Echo', { headers: { 'x-amzn-trace-id': 'Root=1-lower' } }),
      );
      expect(lower.trace).toBe('Root=1-lower');
      expect(value<{ trace: string | null }>(await invoke('Echo', { headers: {} })).trace).toBeNull();
    });

    test('context: aws_request_id, function_name, $LATEST, the ARN, memory_limit_in_mb (a string, as the runtime interface client reads it), log group and stream, get_remaining_time_in_millis() (AWS Lambda docs: Using the Lambda context object … Python)', async () => {
      const id = requestId();
      const result = value<{ context: Record<string, unknown> }>(await runtime.invoke('Echo', {}, id, 2000));
      expect(result.context).toMatchObject({
        aws_request_id: id,
        function_name: 'Echo',
        function_version: '$LATEST',
        invoked_function_arn: 'arn:aws:lambda:eu-west-3:123456789012:function:Echo',
        memory_limit_in_mb: '128',
        log_group_name: '/aws/lambda/Echo',
        identity: [null, null],
        client_context: null,
      });
      expect(result.context.log_stream_name).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(result.context.remaining).toBeGreaterThan(1000);
      expect(result.context.remaining).toBeLessThanOrEqual(2000);
      // tenant_id: None for a function without tenant isolation; repr() as the client writes it
      // (awslambdaric/lambda_context.py, LambdaContext.__repr__).
      expect(result.context.tenant_id).toBeNull();
      expect(result.context.repr).toBe(
        `LambdaContext([aws_request_id=${id},log_group_name=/aws/lambda/Echo,log_stream_name=${result.context.log_stream_name},function_name=Echo,memory_limit_in_mb=128,function_version=$LATEST,invoked_function_arn=arn:aws:lambda:eu-west-3:123456789012:function:Echo,client_context=None,identity=CognitoIdentity([cognito_identity_id=None,cognito_identity_pool_id=None]),tenant_id=None])`,
      );
    });

    test('the environment: Environment variables, and the reserved Lambda variables the template cannot override; the working folder and sys.path[0] are the code folder (LAMBDA_TASK_ROOT)', async () => {
      const result = value<{ env: Record<string, string>; cwd: string; path0: string }>(await invoke('Env'));
      expect(result.env).toMatchObject({
        AWS_LAMBDA_FUNCTION_NAME: 'Env',
        AWS_REGION: 'eu-west-3',
        AWS_DEFAULT_REGION: 'eu-west-3',
        AWS_EXECUTION_ENV: `AWS_Lambda_${testPython!.runtime}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        _HANDLER: 'app.environment',
        LAMBDA_TASK_ROOT: app,
        TZ: ':UTC',
        TABLE_NAME: 'from-template',
      });
      expect(result.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(result.cwd).toBe(app);
      expect(result.path0).toBe(app);
    });

    test('module state lives as long as the environment: a warm environment counts on', async () => {
      const first = value<{ calls: number; pid: number }>(await invoke('Counter'));
      const second = value<{ calls: number; pid: number }>(await invoke('Counter'));
      expect(second.calls).toBe(first.calls + 1);
      expect(second.pid).toBe(first.pid);
    });

    test('packages in the code folder import (pkg/helper.py)', async () => {
      expect(value(await invoke('Helper'))).toEqual({ shout: 'HI!' });
    });

    test("a Layer's python/ and python/lib/pythonX.Y/site-packages are on the import path, its bin/ on PATH and its lib/ on LD_LIBRARY_PATH, the later layer first (AWS Lambda docs: Packaging your layer content, layer paths for each Lambda runtime)", async () => {
      const result = value<{
        layer: string;
        site: string;
        from: string;
        path: string[];
        libraries: string[];
      }>(await invoke('Layered'));
      expect(result).toMatchObject({ layer: 'b', site: 'site-b' });
      expect(result.from).toBe(join(scratch, 'layer-b', 'python', 'layer_module.py'));
      expect(result.path).toEqual([join(scratch, 'layer-b', 'bin'), join(scratch, 'layer-a', 'bin')]);
      expect(result.libraries).toEqual([join(scratch, 'layer-b', 'lib'), join(scratch, 'layer-a', 'lib')]);
    });

    test('a result json cannot encode is Runtime.MarshalError "Unable to marshal response: …" (runtime interface client, lambda_runtime_marshaller.py)', async () => {
      expect(await invoke('NotJson')).toMatchObject({
        ok: false,
        kind: 'error',
        errorType: 'Runtime.MarshalError',
        message: 'Unable to marshal response: Object of type set is not JSON serializable',
      });
    });

    test("InlineCode (the template's ZipFile) is the module index, as CloudFormation writes it (AWS CloudFormation docs: AWS::Lambda::Function Code, 'the index file that CloudFormation creates'); a Handler naming another module is Runtime.ImportModuleError, with a note", async () => {
      expect(value(await invoke('Inline', { n: 7 }))).toEqual({ statusCode: 200, body: 'inline 7' });
      const other = await invoke('InlineNotIndex');
      expect(other).toMatchObject({
        ok: false,
        kind: 'load',
        errorType: 'Runtime.ImportModuleError',
        message: "Unable to import module 'app': No module named 'app'",
      });
      expect(other.logs).toContain(
        'crossgate: InlineCode is the file index.py, as CloudFormation writes it: Handler must be index.<function>, not app.handler.',
      );
    });

    test('bytes returned by the handler are the payload as they are', async () => {
      expect(value(await invoke('Bytes'))).toEqual({ statusCode: 200, body: 'raw' });
    });

    test('a response over 6 MB is Function.ResponseSizeTooLarge (AWS Lambda docs: Lambda quotas, invocation payload 6 MB)', async () => {
      const outcome = await invoke('Big');
      expect(outcome).toMatchObject({ ok: false, kind: 'error', errorType: 'Function.ResponseSizeTooLarge' });
      expect(!outcome.ok && outcome.message).toMatch(
        /^Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(6291556 bytes\)\.$/,
      );
      // The environment goes on serving.
      expect((await invoke('Big')).ok).toBe(false);
    });
  },
);

describe.skipIf(!testPython)('logs (AWS Lambda docs: Log and monitor Python Lambda functions)', () => {
  test("print(), the logging module (Lambda's format, with the request id) and stderr are the invocation's log lines", async () => {
    const id = requestId();
    const outcome = await runtime.invoke('Logs', { tag: 'T' }, id, 3000);
    expect(outcome.ok).toBe(true);
    expect(outcome.logs).toContain('print line T');
    expect(outcome.logs).toContain('stderr line');
    expect(outcome.logs.find((l) => l.includes('logger line'))).toMatch(
      new RegExp(`^\\[INFO\\]\\t\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t${id}\\tlogger line$`),
    );
    // Lines written at import time (the init phase) go with the first event of the environment.
    const lines = logged.filter(([fn, rid]) => fn === 'Logs' && rid === id).map(([, , line]) => line);
    expect(lines).toEqual(expect.arrayContaining(outcome.logs.filter((l) => l !== 'module loaded')));
  });

  test('output whose last line has no newline (print(..., end="")) is in the log of the invocation that wrote it, not held back and glued to the next one', async () => {
    for (let round = 0; round < 2; round++) {
      const outcome = await invoke('NoNewline');
      expect(outcome.ok).toBe(true);
      expect(outcome.logs).toContain('printed without a newline');
      expect(outcome.logs).toContain('stderr without a newline');
    }
  });

  test('each invocation has a START and an END/REPORT record with Duration, Memory Size and Max Memory Used; the first one of an environment its Init Duration', async () => {
    const id = requestId();
    await runtime.invoke('Logs', {}, id, 3000);
    const mine = records.filter(([fn, r]) => fn === 'Logs' && r.requestId === id).map(([, r]) => r);
    expect(mine.map((r) => r.phase)).toEqual(['start', 'end']);
    const end = mine[1] as Extract<InvocationRecord, { phase: 'end' }>;
    expect(end.memorySizeMB).toBe(128);
    expect(end.maxMemoryUsedMB).toBeGreaterThan(1);
    expect(end.durationMs).toBeGreaterThan(0);
    const first = records.find(([fn, r]) => fn === 'Logs' && r.phase === 'end')![1] as Extract<
      InvocationRecord,
      { phase: 'end' }
    >;
    expect(first.initDurationMs).toBeGreaterThan(0);
  });
});

describe.skipIf(!testPython)(
  'errors are reported as Lambda reports them (AWS Lambda docs: AWS Lambda function errors in Python)',
  () => {
    test('an exception is errorType = its class, errorMessage = str(e), the traceback in the log; the environment stays warm (its module state too)', async () => {
      const before = value<{ calls: number }>(await invoke('Counter'));
      const id = requestId();
      const outcome = await runtime.invoke('Fails', { n: 7 }, id, 3000);
      expect(outcome).toMatchObject({
        ok: false,
        kind: 'error',
        errorType: 'ValueError',
        message: 'bad input 7',
      });
      // Its first event also carries what the module printed while it loaded (the init phase).
      const lines = outcome.logs.filter((line) => line !== 'module loaded');
      expect(lines[0]).toBe('[ERROR] ValueError: bad input 7');
      expect(lines[1]).toBe('Traceback (most recent call last):');
      expect(lines.join('\n')).toMatch(/File ".*app\.py", line \d+, in fails\n\s+raise ValueError/);
      // Another function's environment was not touched, and this one still serves.
      expect(value<{ calls: number }>(await invoke('Counter')).calls).toBe(before.calls + 1);
      expect((await invoke('Fails', { n: 8 })).ok).toBe(false);
    });

    test("a missing module is Runtime.ImportModuleError \"Unable to import module 'nowhere': No module named 'nowhere'\"", async () => {
      expect(await invoke('NoModule')).toMatchObject({
        ok: false,
        kind: 'load',
        errorType: 'Runtime.ImportModuleError',
        message: "Unable to import module 'nowhere': No module named 'nowhere'",
      });
    });

    test("a missing function is Runtime.HandlerNotFound \"Handler 'missing_function' missing on module 'app'\"", async () => {
      expect(await invoke('NoFunction')).toMatchObject({
        ok: false,
        kind: 'load',
        errorType: 'Runtime.HandlerNotFound',
        message: "Handler 'missing_function' missing on module 'app'",
      });
    });

    test('a Handler without a dot is Runtime.MalformedHandlerName "Bad handler \'app\': …"', async () => {
      const outcome = await invoke('Malformed');
      expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.MalformedHandlerName' });
      expect(!outcome.ok && outcome.message).toMatch(/^Bad handler 'app': /);
    });

    test('a syntax error is Runtime.UserCodeSyntaxError "Syntax error in module \'syntax\': …" naming the line', async () => {
      const outcome = await invoke('Syntax');
      expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.UserCodeSyntaxError' });
      expect(!outcome.ok && outcome.message).toMatch(
        /^Syntax error in module 'syntax': .*\(syntax\.py, line 1\)/,
      );
    });

    test('an exception while the module loads is reported with its own class, with what the module printed', async () => {
      expect(await invoke('ImportRaises')).toMatchObject({
        ok: false,
        kind: 'load',
        errorType: 'RuntimeError',
        message: 'config missing at import',
      });
      const outcome = await invoke('ImportRaises');
      expect(outcome.logs).toContain('reading configuration');
    });
  },
);

describe.skipIf(!testPython)(
  'an environment that ends is replaced: the next event gets a fresh one (AWS Lambda docs: Lambda execution environment lifecycle, invoke phase failures)',
  () => {
    const pidOf = async () => value<{ pid: number }>(await invoke('Sleeps', { ms: 0 })).pid;

    test('sys.exit(3) is Runtime.ExitError "Runtime exited with error: exit status 3" (SystemExit is not an Exception: the runtime does not catch it)', async () => {
      const id = requestId();
      expect(await runtime.invoke('Exits', {}, id, 3000)).toMatchObject({
        ok: false,
        kind: 'crash',
        errorType: 'Runtime.ExitError',
        message: `RequestId: ${id} Error: Runtime exited with error: exit status 3`,
      });
      expect((await invoke('Exits')).ok).toBe(false);
    });

    test('a handler that signals its own process ends only its environment: "Runtime exited with error: signal: terminated"', async () => {
      const id = requestId();
      expect(await runtime.invoke('KillsItself', {}, id, 3000)).toMatchObject({
        kind: 'crash',
        errorType: 'Runtime.ExitError',
        message: `RequestId: ${id} Error: Runtime exited with error: signal: terminated`,
      });
    });

    test('a handler that signals its process group (kill(0, SIGTERM)) ends only its own group: the host and other functions go on', async () => {
      const before = await pidOf();
      const outcome = await invoke('KillsGroup');
      expect(outcome).toMatchObject({ kind: 'crash', errorType: 'Runtime.ExitError' });
      expect(await pidOf()).toBe(before);
    });

    test('a handler that signals its parent (crossgate itself) ends only its own environment: the host and other functions go on', async () => {
      const before = await pidOf();
      const id = requestId();
      expect(await runtime.invoke('KillsParent', {}, id, 3000)).toMatchObject({
        kind: 'crash',
        errorType: 'Runtime.ExitError',
        message: `RequestId: ${id} Error: Runtime exited with error: signal: terminated`,
      });
      expect(await pidOf()).toBe(before);
    });

    test('a handler that signals every process it may (kill(-1, …)) reaches only the processes of its environment, never crossgate', async () => {
      // Before, this reached every process of the user: os.kill(-1, SIGKILL) ended crossgate and everything else.
      let escaped = 0;
      const listener = () => {
        escaped += 1;
      };
      process.on('SIGURG', listener);
      try {
        expect(value(await invoke('SignalsEveryone'))).toEqual({ sent: true });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(escaped).toBe(0);
      } finally {
        process.off('SIGURG', listener);
      }
    });

    test('past its Timeout the environment is stopped: Sandbox.Timedout "Task timed out after 0.50 seconds", then a fresh one serves (AWS Lambda docs: Configure Lambda function timeout)', async () => {
      const id = requestId();
      const started = performance.now();
      expect(await runtime.invoke('Hangs', {}, id, 500)).toMatchObject({
        ok: false,
        kind: 'timeout',
        errorType: 'Sandbox.Timedout',
        message: `RequestId: ${id} Error: Task timed out after 0.50 seconds`,
      });
      // Liveness, not speed: the hang is cut at its deadline, not left to run its 30 s.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(runtime.environments('Hangs')).toBe(0);
    });

    test('memory over MemorySize ends the environment: Runtime.OutOfMemory "signal: killed"; the next event gets a fresh one (AWS Lambda docs: Configure Lambda function memory)', async () => {
      expect(value(await invoke('Allocates', { mb: 1 }))).toEqual({ held: 1 });
      const outcome = await invoke('Allocates', { mb: 100 });
      expect(outcome).toMatchObject({ ok: false, kind: 'crash', errorType: 'Runtime.OutOfMemory' });
      expect(!outcome.ok && outcome.message).toContain('Runtime exited with error: signal: killed');
      expect(value(await invoke('Allocates', { mb: 1 }))).toEqual({ held: 1 });
    });

    test('memory a child process of the handler holds counts too (Lambda bounds the whole sandbox): Runtime.OutOfMemory before the handler answers', async () => {
      const outcome = await invoke('ChildAllocates', { mb: 100, waitMs: 4000 }, 10_000);
      expect(outcome).toMatchObject({ ok: false, kind: 'crash', errorType: 'Runtime.OutOfMemory' });
      expect(outcome.durationMs).toBeLessThan(4000);
    });
  },
);

describe.skipIf(!testPython)('concurrency (AWS Lambda docs: Understanding Lambda function scaling)', () => {
  test('concurrent slow events run in separate environments (processes), one event at a time in each', async () => {
    // The first round starts the environments (each a cold start); the second one is measured.
    await Promise.all([1, 2, 3].map(() => invoke('Sleeps', { ms: 100 })));
    const started = performance.now();
    const results = await Promise.all([1, 2, 3].map(() => invoke('Sleeps', { ms: 400 })));
    const elapsed = performance.now() - started;
    const pids = results.map((r) => value<{ pid: number }>(r).pid);
    expect(new Set(pids).size).toBe(3);
    // One after another would take 1,200 ms at least.
    expect(elapsed).toBeLessThan(1200);
  });
});

describe.skipIf(!testPython)('dependencies come from the virtual environment beside the template', () => {
  test("a package installed only in .venv imports, with no --python: the .venv of the Runtime's version is the interpreter", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossgate-venv-'));
    try {
      // A virtual environment as `python -m venv` lays it out, with one package in its site-packages.
      const venv = join(dir, '.venv');
      mkdirSync(join(venv, 'bin'), { recursive: true });
      symlinkSync(testPython!.executable, join(venv, 'bin', 'python'));
      writeFileSync(join(venv, 'pyvenv.cfg'), `home = ${join(testPython!.executable, '..')}\n`);
      const site = join(venv, 'lib', `python${testPython!.minor}`, 'site-packages');
      mkdirSync(site, { recursive: true });
      writeFileSync(join(site, 'venv_only_package.py'), 'NAME = "from the venv"\n');
      const local = createRuntime(
        [py('Dependency', 'app.uses_dependency'), py('NeedsDependency', 'needs_dependency.handler')],
        { templateDir: dir },
      );
      try {
        expect(value(await local.invoke('Dependency', {}, requestId(), 5000))).toEqual({
          dependency: 'from the venv',
        });
        expect(await local.notes()).toEqual([]);
        // A module it lacks: the note installs into that environment; this one has no pip (as `uv venv`
        // makes them), so with uv.
        const missing = await local.invoke('NeedsDependency', {}, requestId(), 5000);
        expect(missing.logs.filter((line) => line.startsWith('crossgate: '))).toEqual([
          `crossgate: 'crossgate_test_dependency_that_is_not_installed' is not installed for ${join(venv, 'bin', 'python')}. Install the function's dependencies into the virtual environment it runs in: uv pip install --python ${venv} crossgate_test_dependency_that_is_not_installed (crossgate never installs packages itself).`,
        ]);
      } finally {
        await local.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!testPython)(
  "a module that is not installed: Lambda's Runtime.ImportModuleError, then one crossgate line saying where to install it",
  () => {
    let dir: string;
    let local: Runtime;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'crossgate-missing-'));
      mkdirSync(join(dir, 'src'));
      writeFileSync(
        join(dir, 'src', 'needs_dependency.py'),
        'import crossgate_test_dependency_that_is_not_installed\n\ndef handler(event, context):\n    return 1\n',
      );
      writeFileSync(
        join(dir, 'src', 'requirements.txt'),
        'crossgate_test_dependency_that_is_not_installed\n',
      );
      local = createRuntime(
        [
          py('NeedsDependency', 'needs_dependency.handler'),
          py('NeedsBoto3', 'needs_boto3.handler'),
          py('NoHandlerFile', 'nowhere.handler'),
          spec('WithRequirements', join(dir, 'src'), 'needs_dependency.handler', {
            runtime: testPython!.runtime,
          }),
        ],
        // No --python: the interpreter is found as serve finds it, and a .venv beside the template would be used.
        { templateDir: dir },
      );
    });
    afterAll(async () => {
      await local?.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const hintOf = (outcome: InvokeOutcome) => outcome.logs.filter((line) => line.startsWith('crossgate: '));

    test("a dependency: the error stays Lambda's (\"Unable to import module 'needs_dependency': No module named '…'\"); the note names the interpreter and the .venv beside the template that crossgate would use", async () => {
      const outcome = await local.invoke('NeedsDependency', {}, requestId(), 5000);
      expect(outcome).toMatchObject({
        ok: false,
        kind: 'load',
        errorType: 'Runtime.ImportModuleError',
        message:
          "Unable to import module 'needs_dependency': No module named 'crossgate_test_dependency_that_is_not_installed'",
      });
      const venv = join(dir, '.venv');
      const [hint] = hintOf(outcome);
      const python = /is not installed for (\S+)\./.exec(hint ?? '')?.[1];
      expect(hintOf(outcome)).toEqual([
        `crossgate: 'crossgate_test_dependency_that_is_not_installed' is not installed for ${python}. Install the function's dependencies into a virtual environment beside the template, which crossgate then runs it with: ${python} -m venv ${venv} && ${join(venv, 'bin', 'pip')} install crossgate_test_dependency_that_is_not_installed, then restart crossgate (crossgate never installs packages itself).`,
      ]);
    });

    test('with --python, the note installs into that interpreter (no .venv is looked for then)', async () => {
      const outcome = await invoke('NeedsDependency');
      expect(outcome).toMatchObject({ ok: false, errorType: 'Runtime.ImportModuleError' });
      expect(outcome.logs.filter((line) => line.startsWith('crossgate: '))).toEqual([
        `crossgate: 'crossgate_test_dependency_that_is_not_installed' is not installed for ${testPython!.executable}. Install the function's dependencies into that interpreter: ${testPython!.executable} -m pip install crossgate_test_dependency_that_is_not_installed (crossgate never installs packages itself).`,
      ]);
    });

    test('with a requirements.txt in CodeUri, the note installs from it', async () => {
      const outcome = await local.invoke('WithRequirements', {}, requestId(), 5000);
      expect(hintOf(outcome)).toHaveLength(1);
      expect(hintOf(outcome)[0]).toContain(
        `install -r ${join(dir, 'src', 'requirements.txt')}, then restart crossgate (`,
      );
    });

    test('boto3: the note says it comes with Lambda\'s Python runtime (AWS Lambda docs: Building Lambda functions with Python — "an environment that includes the SDK for Python (Boto3)")', async () => {
      const outcome = await local.invoke('NeedsBoto3', {}, requestId(), 5000);
      expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.ImportModuleError' });
      expect(hintOf(outcome)).toHaveLength(1);
      expect(hintOf(outcome)[0]).toMatch(
        /^crossgate: 'boto3' comes with Lambda's Python runtime \(the AWS SDK\) but is not installed for .*pip install boto3, then restart crossgate /,
      );
    });

    test("the handler's own module missing: the note names Handler, CodeUri and the files looked for", async () => {
      const outcome = await local.invoke('NoHandlerFile', {}, requestId(), 5000);
      expect(outcome).toMatchObject({
        ok: false,
        errorType: 'Runtime.ImportModuleError',
        message: "Unable to import module 'nowhere': No module named 'nowhere'",
      });
      expect(hintOf(outcome)).toEqual([
        `crossgate: Handler nowhere.handler names module 'nowhere', and CodeUri ${app} has neither nowhere.py nor nowhere/__init__.py.`,
      ]);
    });

    test('an exception of the code itself while it loads gets no note', async () => {
      const outcome = await invoke('ImportRaises');
      expect(hintOf(outcome)).toEqual([]);
    });
  },
);

describe.skipIf(!testPython)(
  'hot reload: a change to any file under CodeUri restarts the environments',
  () => {
    test('a change to the handler module (of the same size, within the same second), then to a module it imports, reaches the next request', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'crossgate-pyreload-'));
      // Python left to write its bytecode cache, as on most machines: a .pyc it wrote for h1 must not be
      // served for h2 (same size, same second: what Python compares).
      const saved = process.env.PYTHONDONTWRITEBYTECODE;
      delete process.env.PYTHONDONTWRITEBYTECODE;
      mkdirSync(join(dir, 'lib'));
      writeFileSync(join(dir, 'lib', '__init__.py'), '');
      writeFileSync(join(dir, 'lib', 'version.py'), 'VERSION = "lib-1"\n');
      const handler = (v: string) =>
        `from lib.version import VERSION\n\ndef handler(event, context):\n    return {"handler": "${v}", "lib": VERSION}\n`;
      writeFileSync(join(dir, 'app.py'), handler('h1'));
      const reloads: string[] = [];
      const local = createRuntime([spec('Reload', dir, 'app.handler', { runtime: testPython!.runtime })], {
        watch: true,
        python: testPython!.executable,
        onReload: (_id, file) => reloads.push(file),
      });
      const until = async (expected: unknown) => {
        const started = performance.now();
        for (;;) {
          const outcome = await local.invoke('Reload', {}, requestId(), 3000);
          if (outcome.ok && JSON.stringify(outcome.value) === JSON.stringify(expected)) return;
          if (performance.now() - started > 5000) throw new Error(`no ${JSON.stringify(expected)} after 5 s`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      try {
        await until({ handler: 'h1', lib: 'lib-1' });
        writeFileSync(join(dir, 'app.py'), handler('h2'));
        await until({ handler: 'h2', lib: 'lib-1' });
        writeFileSync(join(dir, 'lib', 'version.py'), 'VERSION = "lib-2"\n');
        await until({ handler: 'h2', lib: 'lib-2' });
        expect(reloads).toContain(join(dir, 'lib', 'version.py'));
        // Bytecode caches are no change, and none is written into the code folder (as in Lambda, where it is read-only).
        expect(reloads.some((file) => file.includes('__pycache__'))).toBe(false);
        expect(existsSync(join(dir, '__pycache__')) || existsSync(join(dir, 'lib', '__pycache__'))).toBe(
          false,
        );
      } finally {
        if (saved !== undefined) process.env.PYTHONDONTWRITEBYTECODE = saved;
        await local.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
