import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRuntime, type InvokeOutcome, type Runtime } from '../../src/runtime/index.js';
import { fixtures, requestId, spec } from './helpers.js';

const faults = join(fixtures, 'faults');
let runtime: Runtime;

beforeAll(async () => {
  runtime = createRuntime([
    spec('Faulty', faults, 'faults.misbehave'),
    spec('Small', faults, 'faults.misbehave', { memoryMB: 32 }),
    spec('Rejects', faults, 'faults.rejectsString'),
    spec('Slow', faults, 'faults.slow'),
  ]);
  await runtime.warm();
});

afterAll(() => runtime.close());

function invoke(id: string, event: unknown, timeoutMs = 3000): Promise<InvokeOutcome> {
  return runtime.invoke(id, event, requestId(), timeoutMs);
}

/** The next event is served, by a fresh environment (its module state starts again). */
async function expectFreshEnvironment(id: string): Promise<void> {
  expect(await invoke(id, {})).toMatchObject({ ok: true, value: { calls: 1 } });
}

describe('a failing handler never takes the host down (AWS Lambda docs: Troubleshoot invocation issues in Lambda)', () => {
  test('a thrown error is kind error with errorType = error.name and errorMessage = error.message; the environment stays warm', async () => {
    await invoke('Faulty', {});
    expect(await invoke('Faulty', { do: 'throw' })).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'TypeError',
      message: 'bad input',
    });
    const after = await invoke('Faulty', {});
    expect(after.ok && (after.value as { calls: number }).calls).toBeGreaterThan(1);
  });

  test('a promise rejected with a string reports errorType "string" (runtime interface client: Errors.toRapidResponse)', async () => {
    expect(await invoke('Rejects', {})).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'string',
      message: 'plain string',
    });
  });

  test('a handler past its timeout gets Sandbox.Timedout "Task timed out after 0.30 seconds", and the next event gets a fresh environment (AWS Lambda docs: Configure Lambda function timeout)', async () => {
    const started = performance.now();
    const id = requestId();
    const outcome = await runtime.invoke('Faulty', { do: 'hang' }, id, 300);
    const elapsed = performance.now() - started;
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'timeout',
      errorType: 'Sandbox.Timedout',
      message: `RequestId: ${id} Error: Task timed out after 0.30 seconds`,
    });
    expect(elapsed).toBeGreaterThanOrEqual(295);
    // Liveness, not speed: the hang is cut at its deadline, not left running (a generous bound for busy CI).
    expect(elapsed).toBeLessThan(5000);
    await expectFreshEnvironment('Faulty');
  });

  test('process.exit() in the handler is Runtime.ExitError "Runtime exited with error: exit status 3"; the next event is served', async () => {
    const id = requestId();
    expect(await runtime.invoke('Faulty', { do: 'exit' }, id, 3000)).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.ExitError',
      message: `RequestId: ${id} Error: Runtime exited with error: exit status 3`,
    });
    await expectFreshEnvironment('Faulty');
  });

  test('an exception thrown outside the handler promise (a timer) crashes the environment with its own errorType; the next event is served', async () => {
    expect(await invoke('Faulty', { do: 'uncaught' })).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'RangeError',
      message: 'thrown from a timer',
    });
    await expectFreshEnvironment('Faulty');
  });

  test('an unhandled rejection is Runtime.UnhandledPromiseRejection (runtime interface client); the next event is served', async () => {
    expect(await invoke('Faulty', { do: 'reject-later' })).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.UnhandledPromiseRejection',
      message: 'Error: nobody waits for me',
    });
    await expectFreshEnvironment('Faulty');
  });

  test('allocating past MemorySize is Runtime.OutOfMemory "Runtime exited with error: signal: killed"; the next event is served (AWS Lambda docs: Configure Lambda function memory)', async () => {
    const outcome = await invoke('Small', { do: 'allocate' }, 15_000);
    expect(outcome).toMatchObject({ ok: false, kind: 'crash', errorType: 'Runtime.OutOfMemory' });
    expect(!outcome.ok && outcome.message).toContain('Runtime exited with error: signal: killed');
    await expectFreshEnvironment('Small');
  });
});

describe('concurrency (AWS Lambda docs: Understanding Lambda function scaling)', () => {
  test('two concurrent slow events run in two warm environments and finish in about the time of one', async () => {
    // The first round starts the second environment; the second round is measured.
    await Promise.all([invoke('Slow', { ms: 1 }), invoke('Slow', { ms: 1 })]);
    const started = performance.now();
    const [a, b] = await Promise.all([invoke('Slow', { ms: 300 }), invoke('Slow', { ms: 300 })]);
    const elapsed = performance.now() - started;
    console.log(
      `two concurrent 300 ms events: ${elapsed.toFixed(0)} ms (one after the other would be 600 ms)`,
    );
    expect(a).toMatchObject({ ok: true, value: { slept: 300 } });
    expect(b).toMatchObject({ ok: true, value: { slept: 300 } });
    // One after the other takes at least 600 ms; anything less means the two ran at the same time.
    expect(elapsed).toBeLessThan(600);
  });

  test('beyond the pool size events wait for a free environment instead of failing', async () => {
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => invoke('Slow', { ms: 100 })));
    const elapsed = performance.now() - started;
    expect(outcomes.every((o) => o.ok)).toBe(true);
    // Four environments at most: six events take two rounds.
    expect(elapsed).toBeGreaterThanOrEqual(195);
  });
});
