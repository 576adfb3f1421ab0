/**
 * Runs Lambda handlers (JavaScript, or TypeScript through esbuild) in worker threads, no Docker: one pool
 * of execution environments per function, Lambda's context and environment, its timeout, and its answers
 * when a handler throws, hangs, exits or runs out of memory. See ../../docs or the tests in test/runtime
 * for each behaviour and its source.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionPool } from './pool.js';
import type { FunctionSpec, InvokeOutcome, Runtime, RuntimeOptions } from './types.js';

export type { FunctionSpec, InvokeOutcome, Runtime, RuntimeOptions } from './types.js';

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
        onReload: options.onReload,
        onLog: options.onLog,
      }),
    );
  }
  let closed: Promise<void> | undefined;

  return {
    invoke(functionId, event, requestId, timeoutMs): Promise<InvokeOutcome> {
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
      return pool.invoke(event, requestId, timeoutMs);
    },
    environments(functionId) {
      return pools.get(functionId)?.environments() ?? 0;
    },
    async warm(functionId) {
      const targets = functionId === undefined ? [...pools.values()] : [pools.get(functionId)];
      await Promise.all(targets.map((pool) => pool?.warm()));
    },
    close() {
      closed ??= Promise.all([...pools.values()].map((pool) => pool.close())).then(() => {
        rmSync(outDir, { recursive: true, force: true });
      });
      return closed;
    },
  };
}
