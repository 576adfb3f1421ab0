import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRuntime, type InvokeOutcome, type Runtime } from '../../src/runtime/index.js';
import { fixtures, requestId, spec } from './helpers.js';

const tsApp = join(fixtures, 'ts-app');
const cjsApp = join(fixtures, 'cjs-app');
const esmApp = join(fixtures, 'esm-app');
const faults = join(fixtures, 'faults');

let broken: string;
let packages: string;
const crossgateLambda = new URL('../../src/lambda/index.ts', import.meta.url);
let runtime: Runtime;
const logged: Array<[string, string, string]> = [];

beforeAll(() => {
  // Files that do not parse live outside the repository, so tsc and biome never see them.
  broken = mkdtempSync(join(tmpdir(), 'crossgate-broken-'));
  writeFileSync(join(broken, 'package.json'), '{ "type": "module" }');
  writeFileSync(
    join(broken, 'broken.ts'),
    'export const handler = async () => {\n  const answer: number = (1 +;\n  return answer;\n};\n',
  );
  writeFileSync(
    join(broken, 'syntax.js'),
    'export const handler = async () => {\n  return { statusCode: 200 ;\n};\n',
  );
  writeFileSync(
    join(broken, 'imports.ts'),
    "import { gone } from './gone.js';\nexport const handler = async () => gone;\n",
  );
  // A package installed next to the handler, with different files for import and require.
  packages = mkdtempSync(join(tmpdir(), 'crossgate-packages-'));
  writeFileSync(join(packages, 'package.json'), '{ "type": "module" }');
  mkdirSync(join(packages, 'node_modules', 'dual-pkg'), { recursive: true });
  writeFileSync(
    join(packages, 'node_modules', 'dual-pkg', 'package.json'),
    '{ "name": "dual-pkg", "exports": { "import": "./esm.mjs", "require": "./cjs.cjs" } }',
  );
  writeFileSync(join(packages, 'node_modules', 'dual-pkg', 'esm.mjs'), "export const flavour = 'esm';\n");
  writeFileSync(join(packages, 'node_modules', 'dual-pkg', 'cjs.cjs'), "exports.flavour = 'cjs';\n");
  writeFileSync(
    join(packages, 'esm.ts'),
    "import { createRequire } from 'node:module';\nimport { flavour } from 'dual-pkg';\n" +
      'const require = createRequire(import.meta.url);\n' +
      "export const handler = async () => ({ flavour, builtin: typeof require('node:fs').readFileSync });\n",
  );
  writeFileSync(
    join(packages, 'cjs.cts'),
    "import { flavour } from 'dual-pkg';\nexport const handler = async () => ({ flavour });\n",
  );
  writeFileSync(
    join(packages, 'lib.ts'),
    "import * as lambda from 'crossgate/lambda';\nexport const handler = async () => ({ names: Object.keys(lambda) });\n",
  );
  runtime = createRuntime(
    [
      spec('PkgEsm', packages, 'esm.handler'),
      spec('PkgCjs', packages, 'cjs.handler'),
      spec('CrossgateLambda', packages, 'lib.handler'),
      spec('Items', tsApp, 'src/handlers/items.handler', { environment: { TABLE_NAME: 'items-table' } }),
      spec('Nested', tsApp, 'src/handlers/items.nested.get'),
      spec('TsThrows', tsApp, 'src/handlers/throws.handler'),
      spec('Cjs', cjsApp, 'app.handler'),
      spec('Callback', cjsApp, 'callback.handler'),
      spec('Legacy', cjsApp, 'callback.legacy'),
      spec('Esm', esmApp, 'app.handler'),
      spec('Context', esmApp, 'context.handler', {
        memoryMB: 256,
        environment: { TABLE_NAME: 'from-template', AWS_REGION: 'template-cannot-override' },
      }),
      spec('Logs', faults, 'faults.logs'),
      spec('Circular', faults, 'faults.circular'),
      spec('WithFunction', faults, 'faults.withFunction'),
      spec('Sized', faults, 'faults.sized'),
      spec('NoExport', faults, 'faults.nothingHere'),
      spec('NoFile', faults, 'nowhere.handler'),
      spec('Malformed', faults, 'faults'),
      spec('LoadThrows', faults, 'load-throws.handler'),
      spec('Java', faults, 'app.Handler::handleRequest', { runtime: 'java21' }),
      spec('BrokenTs', broken, 'broken.handler'),
      spec('BrokenJs', broken, 'syntax.handler'),
      spec('BadImport', broken, 'imports.handler'),
      spec('InlineNotIndex', faults, 'app.handler', {
        inlineCode: 'exports.handler = async () => ({ statusCode: 200, body: "never" });',
      }),
      spec('Inline', faults, 'index.handler', {
        inlineCode: 'exports.handler = async (event) => ({ statusCode: 200, body: "inline " + event.n });',
      }),
    ],
    {
      region: 'eu-west-3',
      onLog: (functionId, id, line) => logged.push([functionId, id, line]),
    },
  );
});

afterAll(async () => {
  await runtime.close();
  rmSync(broken, { recursive: true, force: true });
  rmSync(packages, { recursive: true, force: true });
});

function invoke(id: string, event: unknown = {}, timeoutMs = 3000): Promise<InvokeOutcome> {
  return runtime.invoke(id, event, requestId(), timeoutMs);
}

function body(outcome: InvokeOutcome): unknown {
  if (!outcome.ok) throw new Error(`${outcome.kind} ${outcome.errorType}: ${outcome.message}`);
  return JSON.parse((outcome.value as { body: string }).body);
}

describe('handlers load like the Node.js runtime loads them (AWS Lambda docs: Define Lambda function handler in Node.js)', () => {
  test('a TypeScript handler runs without a build step, its relative .js imports resolved to .ts sources', async () => {
    const outcome = await invoke('Items', { path: '/items', queryStringParameters: { name: 'ada' } });
    expect(body(outcome)).toMatchObject({ text: 'hello ada', table: 'items-table' });
  });

  test('a warm environment keeps module state between invocations (AWS Lambda docs: Lambda execution environment lifecycle)', async () => {
    const first = body(await invoke('Items', { path: '/a' })) as { invocations: number };
    const second = body(await invoke('Items', { path: '/b' })) as { invocations: number };
    expect(second.invocations).toBe(first.invocations + 1);
  });

  test('a nested export path (src/handlers/items.nested.get) names a property of an export', async () => {
    const outcome = await invoke('Nested');
    expect(outcome).toMatchObject({ ok: true, value: { statusCode: 204 } });
  });

  test('CommonJS JavaScript (package.json "type": "commonjs") runs as it is, with __filename', async () => {
    expect(body(await invoke('Cjs', { value: 7 }))).toEqual({ format: 'cjs', file: 'app.js', echo: 7 });
  });

  test('ES module JavaScript (package.json "type": "module") runs as it is, with import.meta.url', async () => {
    expect(body(await invoke('Esm', { value: 8 }))).toEqual({ format: 'esm', file: 'app.js', echo: 8 });
  });

  test('a callback-style handler (event, context, callback) answers with callback(null, result)', async () => {
    const id = requestId();
    const outcome = await runtime.invoke('Callback', {}, id, 3000);
    expect(outcome).toMatchObject({ ok: true, value: { statusCode: 200, body: `callback ${id}` } });
  });

  test('callback(error) is an invocation error with the error name as errorType', async () => {
    expect(await invoke('Callback', { fail: true })).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'Error',
      message: 'callback failure',
    });
  });

  test('the legacy context.succeed() still answers', async () => {
    expect(await invoke('Legacy')).toMatchObject({ ok: true, value: { body: 'context.succeed' } });
  });

  test('InlineCode runs without files (AWS::Serverless::Function InlineCode)', async () => {
    expect(await invoke('Inline', { n: 3 })).toMatchObject({ ok: true, value: { body: 'inline 3' } });
  });

  test("InlineCode is the module index, as CloudFormation writes it (AWS CloudFormation docs: AWS::Lambda::Function Code, 'the index file that CloudFormation creates'): a Handler naming another module is Runtime.ImportModuleError", async () => {
    expect(await invoke('InlineNotIndex')).toMatchObject({
      ok: false,
      kind: 'missing',
      errorType: 'Runtime.ImportModuleError',
      message:
        "Error: Cannot find module 'app' (InlineCode is the file index.js, as CloudFormation writes it: Handler must be index.<function>, not app.handler)",
    });
  });
});

describe('TypeScript bundles keep packages outside, loaded from the handler folder at run time', () => {
  test('an ES module bundle imports a package with its "import" condition, and user code may declare its own require', async () => {
    expect(await invoke('PkgEsm')).toMatchObject({
      ok: true,
      value: { flavour: 'esm', builtin: 'function' },
    });
  });

  test('a .cts handler bundles as CommonJS and requires the package with its "require" condition', async () => {
    expect(await invoke('PkgCjs')).toMatchObject({ ok: true, value: { flavour: 'cjs' } });
  });

  test.skipIf(!existsSync(crossgateLambda))(
    'crossgate/lambda resolves to this repository without installing it',
    async () => {
      const outcome = await invoke('CrossgateLambda');
      expect(outcome.ok).toBe(true);
      expect((outcome as { value: { names: string[] } }).value.names.length).toBeGreaterThan(0);
    },
  );
});

describe('environment and context (AWS Lambda docs: Using the Lambda context object to retrieve Node.js function information; Defined runtime environment variables)', () => {
  test('the handler sees its Environment variables and the reserved Lambda variables, which the template cannot override', async () => {
    const outcome = await invoke('Context');
    expect(outcome.ok).toBe(true);
    const { env } = (outcome as { value: { env: Record<string, string> } }).value;
    expect(env).toEqual({
      functionName: 'Context',
      region: 'eu-west-3',
      memory: '256',
      handler: 'context.handler',
      taskRoot: esmApp,
      tz: ':UTC',
      table: 'from-template',
    });
  });

  test('_X_AMZN_TRACE_ID is the X-Ray header of each event, and gone for an event without one (AWS Lambda docs: Defined runtime environment variables, "changes with each invocation")', async () => {
    const traceOf = async (event: unknown) =>
      ((await runtime.invoke('Context', event, requestId(), 2000)) as { value: { env: { trace?: string } } })
        .value.env.trace;
    const header = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    expect(await traceOf({ headers: { 'X-Amzn-Trace-Id': header } })).toBe(header);
    // Payload 2.0 lower-cases header names.
    expect(await traceOf({ headers: { 'x-amzn-trace-id': 'Root=1-lower' } })).toBe('Root=1-lower');
    expect(await traceOf({ headers: {} })).toBeUndefined();
  });

  test('context carries awsRequestId, functionName, $LATEST, the ARN, memory as a string, log group and stream, remaining time', async () => {
    const id = requestId();
    const outcome = await runtime.invoke('Context', {}, id, 2000);
    const { context } = (outcome as { value: { context: Record<string, unknown> } }).value;
    expect(context).toMatchObject({
      awsRequestId: id,
      functionName: 'Context',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:Context',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/Context',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(context.remaining).toBeGreaterThan(1500);
    expect(context.remaining).toBeLessThanOrEqual(2000);
  });
});

describe('logs (AWS Lambda docs: Log and monitor Node.js Lambda functions)', () => {
  test('console.log, console.error and console.warn lines are captured per invocation with the request id', async () => {
    const id = requestId();
    const outcome = await runtime.invoke('Logs', { tag: 'T' }, id, 3000);
    expect(outcome.logs).toEqual(['first line { n: 1 }', 'second line', 'third line T']);
    expect(logged.filter(([fn, rid]) => fn === 'Logs' && rid === id).map(([, , line]) => line)).toEqual(
      outcome.logs,
    );
  });
});

describe('the result is what JSON.stringify makes of it (runtime interface client: RAPIDClient.js, _trySerializeResponse)', () => {
  test('a circular result is an Error "Unable to stringify response body" (thrown by _trySerializeResponse, posted by CallbackContext.js fail() through Errors.toRapidResponse)', async () => {
    expect(await invoke('Circular')).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'Error',
      message: 'Unable to stringify response body',
    });
  });

  test("a result over 6,291,556 bytes is Function.ResponseSizeTooLarge with the Runtime API's words; exactly that many is answered (AWS Lambda docs: Lambda quotas, invocation payload 6 MB; Runtime Interface Emulator: interop/model.go)", async () => {
    const limit = 6_291_556;
    expect(await invoke('Sized', { bytes: limit - 2 })).toMatchObject({ ok: true });
    expect(await invoke('Sized', { bytes: limit - 1 })).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'Function.ResponseSizeTooLarge',
      message: `Response payload size (${limit + 1} bytes) exceeded maximum allowed payload size (${limit} bytes).`,
    });
  });

  test('functions vanish and dates become ISO strings, as through JSON', async () => {
    expect(await invoke('WithFunction')).toMatchObject({
      ok: true,
      value: { statusCode: 200, body: 'x', when: '1970-01-01T00:00:00.000Z' },
    });
    const outcome = await invoke('WithFunction');
    expect(outcome.ok && 'helper' in (outcome.value as object)).toBe(false);
  });
});

describe('errors are reported as Lambda reports them (AWS Lambda docs: Troubleshoot invocation issues in Lambda)', () => {
  test('a thrown error from TypeScript keeps its class name as errorType', async () => {
    expect(await invoke('TsThrows')).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'NotFoundError',
      message: 'no item 42',
    });
  });

  test('a missing export is Runtime.HandlerNotFound "<handler> is undefined or not exported"', async () => {
    expect(await invoke('NoExport')).toMatchObject({
      ok: false,
      kind: 'missing',
      errorType: 'Runtime.HandlerNotFound',
      message: 'faults.nothingHere is undefined or not exported',
    });
  });

  test('a missing handler file is Runtime.ImportModuleError "Cannot find module"', async () => {
    const outcome = await invoke('NoFile');
    expect(outcome).toMatchObject({ ok: false, kind: 'missing', errorType: 'Runtime.ImportModuleError' });
    expect(!outcome.ok && outcome.message).toContain("Cannot find module 'nowhere'");
  });

  test('a Handler without a dot is Runtime.MalformedHandlerName', async () => {
    expect(await invoke('Malformed')).toMatchObject({
      kind: 'missing',
      errorType: 'Runtime.MalformedHandlerName',
    });
  });

  test('a TypeScript syntax error is a load error naming file:line:column (from esbuild)', async () => {
    const outcome = await invoke('BrokenTs');
    expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.UserCodeSyntaxError' });
    expect(!outcome.ok && outcome.message).toMatch(/broken\.ts:2:30: Unexpected ";"/);
  });

  test('a JavaScript syntax error is Runtime.UserCodeSyntaxError naming file:line:column (from Node)', async () => {
    const outcome = await invoke('BrokenJs');
    expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.UserCodeSyntaxError' });
    expect(!outcome.ok && outcome.message).toMatch(/syntax\.js:2:\d+: SyntaxError: Unexpected token ';'/);
  });

  test('an import that does not resolve is Runtime.ImportModuleError naming the importing line', async () => {
    const outcome = await invoke('BadImport');
    expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.ImportModuleError' });
    expect(!outcome.ok && outcome.message).toMatch(/imports\.ts:1:\d+: Could not resolve "\.\/gone\.js"/);
  });

  test('an error thrown while the module loads (init phase) is a load error with its own name and the init logs', async () => {
    expect(await invoke('LoadThrows')).toMatchObject({
      ok: false,
      kind: 'load',
      errorType: 'Error',
      message: 'config missing at load',
      logs: ['reading configuration'],
    });
  });

  test('a runtime crossgate does not run (java21) is reported unsupported, not run', async () => {
    expect(await invoke('Java')).toMatchObject({
      ok: false,
      kind: 'unsupported',
      errorType: 'Runtime.Unsupported',
    });
  });

  test('an unknown function is ResourceNotFoundException, as the Invoke API answers', async () => {
    expect(await invoke('Nope')).toMatchObject({
      ok: false,
      kind: 'missing',
      errorType: 'ResourceNotFoundException',
    });
  });
});
