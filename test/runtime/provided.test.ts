/**
 * An OS-only runtime (provided.al2023): the function's own `bootstrap`, here a shell script using curl,
 * runs against crossgate's Runtime API as it would in Lambda (AWS Lambda docs: "Building a custom runtime
 * for AWS Lambda", "Tutorial: Building a custom runtime").
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
let escapes: string;
const logged: string[] = [];
const provided = (id: string, codeDir: string, handler: string, extra = {}) =>
  spec(id, codeDir, handler, { runtime: 'provided.al2023', ...extra });

beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), 'crossgate-provided-'));
  notExecutable = mkdtempSync(join(tmpdir(), 'crossgate-provided-'));
  writeFileSync(join(notExecutable, 'bootstrap'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(notExecutable, 'bootstrap'), 0o644);
  // A bootstrap that first starts a process of its own in a session of its own (setsid), outside the
  // environment's process group, with the bootstrap's output still open; then runs the shell runtime.
  escapes = mkdtempSync(join(tmpdir(), 'crossgate-provided-'));
  writeFileSync(
    join(escapes, 'bootstrap'),
    `#!/bin/sh\nsetsid sleep 120 &\necho $! > "$LAMBDA_TASK_ROOT/escaped.pid"\nLAMBDA_TASK_ROOT='${shell}' exec '${join(shell, 'bootstrap')}'\n`,
  );
  chmodSync(join(escapes, 'bootstrap'), 0o755);
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
  rmSync(escapes, { recursive: true, force: true });
});

/** Alive and not a zombie (one that ended and waits for its parent to read its status). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

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

describe.skipIf(!hasCurl || process.platform !== 'linux')('stopping a process environment', () => {
  test('close() ends an environment whose bootstrap started a process outside its group (setsid) that holds its output open, and that process with it', async () => {
    const own = createRuntime([provided('Escapes', escapes, 'function.handler')]);
    let closed = false;
    try {
      expect(await own.invoke('Escapes', {}, requestId(), 5000)).toMatchObject({ ok: true });
      const escaped = Number(readFileSync(join(escapes, 'escaped.pid'), 'utf8'));
      expect(running(escaped)).toBe(true);
      // Before, close() waited for the output pipes to close: for as long as that process lived.
      const timedOut = new Promise((resolve) =>
        setTimeout(() => resolve('still closing after 10 s'), 10_000),
      );
      expect(await Promise.race([own.close().then(() => 'closed'), timedOut])).toBe('closed');
      closed = true;
      // SIGKILL is delivered a moment after it is sent.
      for (let waited = 0; running(escaped) && waited < 5000; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(running(escaped)).toBe(false);
    } finally {
      // Not awaited: without the fix it would wait for that process.
      if (!closed) void own.close();
    }
  }, 30_000);
});

describe('finding the bootstrap (AWS Lambda docs: Building a custom runtime)', () => {
  test('no bootstrap in CodeUri or a Layer is Runtime.InvalidEntrypoint "Couldn\'t find valid bootstrap(s)"', async () => {
    const outcome = await runtime.invoke('NoBootstrap', {}, requestId(), 5000);
    expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.InvalidEntrypoint' });
    expect(!outcome.ok && outcome.message).toBe(
      `Couldn't find valid bootstrap(s): [${join(empty, 'bootstrap')}]`,
    );
  });

  test("no bootstrap where CodeUri holds a Rust, Go or make project: Lambda's message, then how to build it (sam build, BuildMethod rust-cargolambda / go1.x / makefile; seen on serverless-patterns apigw-lambda-rust: CodeUri: . with Cargo.toml)", async () => {
    const { unbuiltHint } = await import('../../src/runtime/provided.js');
    const project = mkdtempSync(join(tmpdir(), 'crossgate-unbuilt-'));
    try {
      expect(unbuiltHint(project)).toBeUndefined();
      writeFileSync(join(project, 'Makefile'), 'build-Fn:\n');
      expect(unbuiltHint(project)).toMatch(
        /^CodeUri has a Makefile .* run `sam build` and serve \.aws-sam\/build\/template\.yaml$/,
      );
      writeFileSync(join(project, 'main.go'), 'package main\n');
      expect(unbuiltHint(project)).toMatch(
        /^CodeUri holds Go source that is not built: `go build -tags lambda\.norpc -o bootstrap`/,
      );
      writeFileSync(join(project, 'Cargo.toml'), '[package]\n');
      expect(unbuiltHint(project)).toMatch(
        /^CodeUri holds a Rust project \(Cargo\.toml\) that is not built: `cargo lambda build --release`/,
      );
      const local = createRuntime([provided('Unbuilt', project, 'bootstrap')]);
      try {
        const outcome = await local.invoke('Unbuilt', {}, requestId(), 5000);
        expect(outcome).toMatchObject({ ok: false, kind: 'load', errorType: 'Runtime.InvalidEntrypoint' });
        expect(!outcome.ok && outcome.message).toBe(
          `Couldn't find valid bootstrap(s): [${join(project, 'bootstrap')}] — crossgate: ${unbuiltHint(project)}`,
        );
      } finally {
        await local.close();
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
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
