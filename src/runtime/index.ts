/**
 * Runs Lambda handlers with no Docker: Node.js (JavaScript, or TypeScript through esbuild) in worker
 * threads, Python and provided.* runtimes as processes speaking the Lambda Runtime API. One pool of
 * execution environments per function, Lambda's context and environment, its timeout, and its answers
 * when a handler throws, hangs, exits or runs out of memory. See ../../docs or the tests in test/runtime
 * for each behaviour and its source.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeFamily } from './family.js';
import { IMAGE_NOTE } from './kinds.js';
import { FunctionPool } from './pool.js';
import { findPython } from './python-interpreter.js';
import type { FunctionSpec, InvocationRecord, InvokeOutcome, Runtime, RuntimeOptions } from './types.js';

export { runtimeFamily } from './family.js';
export type { FunctionSpec, InvocationRecord, InvokeOutcome, Runtime, RuntimeOptions } from './types.js';

export function createRuntime(specs: FunctionSpec[], options: RuntimeOptions = {}): Runtime {
  const base = options.cacheDir ?? tmpdir();
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(join(base, 'crossgate-runtime-'));
  const pools = new Map<string, FunctionPool>();
  for (const spec of specs) {
    pools.set(
      spec.id,
      new FunctionPool(spec, {
        outDir,
        region: options.region ?? 'us-east-1',
        maxWorkers: options.maxWorkersPerFunction ?? 4,
        idleRetireMs: options.idleRetireMs ?? 2000,
        watch: options.watch ?? false,
        python: options.python,
        templateDir: options.templateDir,
        onReload: options.onReload,
        onLog: options.onLog,
        onInvocation: options.onInvocation,
      }),
    );
  }
  let closed: Promise<void> | undefined;

  return {
    invoke(functionId, event, requestId, timeoutMs, waitLimitMs): Promise<InvokeOutcome> {
      const pool = pools.get(functionId);
      if (!pool) {
        // The Lambda Invoke API's answer for an unknown function.
        return Promise.resolve({
          ok: false,
          kind: 'missing',
          errorType: 'ResourceNotFoundException',
          message: `Function not found: ${functionId}`,
          durationMs: 0,
          logs: [],
        });
      }
      return pool.invoke(event, requestId, timeoutMs, waitLimitMs);
    },
    environments(functionId) {
      return pools.get(functionId)?.environments() ?? 0;
    },
    async warm(functionId) {
      const targets = functionId === undefined ? [...pools.values()] : [pools.get(functionId)];
      await Promise.all(targets.map((pool) => pool?.warm()));
    },
    notes: () => runtimeNotes(specs, options),
    close() {
      closed ??= Promise.all([...pools.values()].map((pool) => pool.close())).then(() => {
        rmSync(outDir, { recursive: true, force: true });
      });
      return closed;
    },
  };
}

/** One note per Python interpreter problem and per runtime crossgate does not run, naming the functions. */
async function runtimeNotes(specs: FunctionSpec[], options: RuntimeOptions): Promise<string[]> {
  const notes = new Map<string, string[]>();
  const add = (note: string, id: string) => notes.set(note, [...(notes.get(note) ?? []), id]);
  await Promise.all(
    specs.map(async (spec) => {
      if (spec.packageType === 'Image') return add(IMAGE_NOTE, spec.id);
      const family = runtimeFamily(spec.runtime);
      if (family === 'other') add(`${spec.runtime} is not run by crossgate (502 for every request)`, spec.id);
      if (family !== 'python') return;
      const found = await findPython(spec.runtime!, {
        override: options.python,
        templateDir: options.templateDir,
        codeDir: spec.codeDir,
      });
      if (!found.ok) add(found.message, spec.id);
      else if (found.warning) add(found.warning, spec.id);
    }),
  );
  return [...notes].map(([note, ids]) => `${ids.join(', ')}: ${note}`);
}

/**
 * The lines Lambda writes around an invocation in the function's log (AWS Lambda docs: "Using CloudWatch
 * Logs with Lambda": START, END and REPORT with Duration, Billed Duration, Memory Size, Max Memory Used,
 * Init Duration on a cold start; `Status: timeout` / `Status: error` when the environment did not answer).
 */
export function lifecycleLines(record: InvocationRecord): string[] {
  if (record.phase === 'start') return [`START RequestId: ${record.requestId} Version: $LATEST`];
  let report = `REPORT RequestId: ${record.requestId}\tDuration: ${record.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(record.durationMs))} ms\tMemory Size: ${record.memorySizeMB} MB`;
  if (record.maxMemoryUsedMB !== undefined) report += `\tMax Memory Used: ${record.maxMemoryUsedMB} MB`;
  if (record.initDurationMs !== undefined)
    report += `\tInit Duration: ${record.initDurationMs.toFixed(2)} ms`;
  if (record.status === 'timeout') report += '\tStatus: timeout';
  else if (record.status)
    report += `\tStatus: error${record.errorType ? `\tError Type: ${record.errorType}` : ''}`;
  return [`END RequestId: ${record.requestId}`, report];
}
