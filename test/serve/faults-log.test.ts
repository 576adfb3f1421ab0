/**
 * What a handler logs reaches the terminal through `crossgate serve`'s log, and only as text (issue 13):
 * a client's bytes that a handler logs (`console.log(event.body)`) can carry terminal controls — ESC
 * starts sequences that clear the screen, retitle the window or rewrite earlier lines — and a handler
 * that writes to fd 1 or fd 2 itself must not reach the terminal past the log either. Lambda captures
 * the runtime's stdout and stderr into the function's log (AWS Lambda docs: "Working with Lambda
 * function logs"); serve shows them as that function's lines, controls escaped as the request log does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOSTILE = 'test/serve/fixtures/hostile/template.yaml';

let child: ChildProcess;
let output = '';
let api: string;

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [
      '--import',
      './test/support/register-ts.mjs',
      'src/cli/main.ts',
      'serve',
      HOSTILE,
      '--port',
      '0',
      '--inspector',
      'off',
      '--no-watch',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    output += d;
  });
  child.stderr?.on('data', (d: string) => {
    output += d;
  });
  api = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearInterval(poll);
        resolve(m[1]);
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`crossgate serve exited ${code}: ${output}`));
    });
  });
}, 60_000);

afterAll(
  () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
);

/** Waits until serve's output holds `pattern` (the log is written once per event-loop turn). */
async function logged(...patterns: RegExp[]): Promise<string> {
  // A safety net, not a timing: the lines come from three streams (console messages, the worker's
  // stdout and stderr) in no fixed order.
  for (let i = 0; i < 1000 && !patterns.every((p) => p.test(output)); i++)
    await new Promise((r) => setTimeout(r, 20));
  return output;
}

describe('a handler logging what a client sent', () => {
  it('console.log, fs.writeSync(1) and fs.writeSync(2) each become the function’s log line, with ESC, BEL and a bidi override escaped', async () => {
    const hostile = 'A\u001b]0;owned\u0007\u001b[2J\u202eB';
    const res = await fetch(`${api}/log`, { method: 'POST', body: hostile });
    expect(await res.text()).toBe('logged');
    const out = await logged(/ console: .*\n/, / fd1: .*\n/, / fd2: .*\n/);
    for (const how of ['console', 'fd1', 'fd2'])
      expect(out).toMatch(
        new RegExp(
          `  HostileFunction [0-9a-f]{8} ${how}: A\\\\x1b\\]0;owned\\\\x07\\\\x1b\\[2J\\\\u202eB\\n`,
        ),
      );
    // No byte of the sequences reaches the terminal raw.
    expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
  }, 30_000);

  it('Lambda’s own tab-separated lines keep their tabs', async () => {
    const out = await logged(/REPORT RequestId: /);
    expect(out).toMatch(/REPORT RequestId: [0-9a-f-]+\tDuration: /);
  });
});
