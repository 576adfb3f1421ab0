/**
 * An OS-only runtime (provided.al2023): the function's own `bootstrap`, here a shell script using curl,
 * runs against crossgate's Runtime API as it would in Lambda (AWS Lambda docs: "Building a custom runtime
 * for AWS Lambda", "Tutorial: Building a custom runtime").
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRuntime, type Runtime } from '../../src/runtime/index.js';
import { fixtures, requestId, spec } from './helpers.js';

const shell = join(fixtures, 'shell-runtime');
const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasCurl)
  console.warn('\n*** the shell bootstrap tests SKIPPED: no curl on PATH (apt-get install curl). ***\n');

let runtime: Runtime;
let empty: string;
let notExecutable: string;
const logged: string[] = [];
const provided = (id: string, codeDir: string, handler: string, extra = {}) =>
  spec(id, codeDir, handler, { runtime: 'provided.al2023', ...extra });

beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), 'crossgate-provided-'));
  notExecutable = mkdtempSync(join(tmpdir(), 'crossgate-provided-'));
  writeFileSync(join(notExecutable, 'bootstrap'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(notExecutable, 'bootstrap'), 0o644);
  runtime = createRuntime(
    [
      provided('Shell', shell, 'function.handler', { environment: { STAGE: 'dev' } }),
      provided('ShellFails', shell, 'function.fails'),
      provided('ShellCrashes', shell, 'function.crashes'),
      provided('ShellPlain', shell, 'function.plain'),
      provided('ShellNoFile', shell, 'nowhere.handler'),
      provided('NoBootstrap', empty, 'x.handler'),
      provided('NotExecutable', notExecutable, 'x.handler'),
    ],
    { onLog: (_fn, _id, line) => logged.push(line) },
  );
});

afterAll(async () => {
  await runtime.close();
  rmSync(empty, { recursive: true, force: true });
  rmSync(notExecutable, { recursive: true, force: true });
});

describe.skipIf(!hasCurl)('a shell bootstrap (provided.al2023) against the Runtime API', () => {
  test('the event reaches the script, its response comes back, its stderr is in the log; the environment has the function variables', async () => {
    const outcome = await runtime.invoke('Shell', { path: '/items' }, requestId(), 5000);
    expect(outcome).toMatchObject({
      ok: true,
      value: { statusCode: 200, body: 'path:/items', headers: { 'x-stage': 'dev' } },
    });
    expect(outcome.logs).toContain('handling Shell');
    expect(logged).toContain('shell runtime ready');
    // Warm: the same process answers again.
    expect((await runtime.invoke('Shell', { path: '/b' }, requestId(), 5000)).ok).toBe(true);
  });

  test("an error posted to /invocation/{id}/error is the invocation's error", async () => {
    expect(await runtime.invoke('ShellFails', {}, requestId(), 5000)).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'ShellError',
      message: 'handler failed',
    });
  });

  test('a bootstrap that ends mid-invocation is Runtime.ExitError "signal: terminated"; the next event gets a fresh one', async () => {
    const id = requestId();
    expect(await runtime.invoke('ShellCrashes', {}, id, 5000)).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.ExitError',
      message: `RequestId: ${id} Error: Runtime exited with error: signal: terminated`,
    });
    expect((await runtime.invoke('ShellCrashes', {}, requestId(), 5000)).ok).toBe(false);
  });

  test('a payload that is not JSON is handed on as its text (API Gateway then finds no proxy result in it: 502)', async () => {
    expect(await runtime.invoke('ShellPlain', {}, requestId(), 5000)).toMatchObject({
      ok: true,
      value: 'not json',
    });
  });

  test('a bootstrap that posts /runtime/init/error fails its invocations with that error', async () => {
    expect(await runtime.invoke('ShellNoFile', {}, requestId(), 5000)).toMatchObject({
      ok: false,
      kind: 'load',
      errorType: 'Runtime.NoSuchHandler',
      message: 'no file nowhere.sh',
    });
  });
});

describe('finding the bootstrap (AWS Lambda docs: Building a custom runtime)', () => {
  test('no bootstrap in CodeUri or a Layer is Runtime.InvalidEntrypoint "Couldn\'t find valid bootstrap(s)"', async () => {
    const outcome = await runtime.invoke('NoBootstrap', {}, requestId(), 5000);
    expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.InvalidEntrypoint' });
    expect(!outcome.ok && outcome.message).toBe(
      `Couldn't find valid bootstrap(s): [${join(empty, 'bootstrap')}]`,
    );
  });

  test('a bootstrap that is not executable is Runtime.InvalidEntrypoint "fork/exec …: permission denied"', async () => {
    expect(await runtime.invoke('NotExecutable', {}, requestId(), 5000)).toMatchObject({
      ok: false,
      kind: 'load',
      errorType: 'Runtime.InvalidEntrypoint',
      message: `fork/exec ${join(notExecutable, 'bootstrap')}: permission denied`,
    });
  });
});
