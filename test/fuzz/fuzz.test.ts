/**
 * Issue 13, item 5: a fuzz test. A few hundred templates, each one of the examples, the SAM
 * translator's inputs (../shared/conformance/sam/input) or the published excerpts, mutated 1-3
 * times by a seeded mutator (mutate.ts), are given to `check` (text, json, sarif, --fix, --fix
 * --dry-run) and `deployment` (text, --json) in one child process with a 500 MB heap. Every case
 * must end in exit 0, 1 or 2, every exit 2 must name file:line:col, no case may run longer than
 * SLOW_CASE_MS, and the process must not run out of memory.
 *
 * A new seed each run (printed; CROSSGATE_FUZZ_SEED replays one); CROSSGATE_FUZZ_CASES sets the
 * count. `npm run fuzz` runs 10,000 cases and records the figures in bench/RESULTS.md.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../sam/conformance.js';
import { ROOT, runChild } from './child.mjs';
import type { FuzzSummary } from './driver.js';

const cases = Number(process.env.CROSSGATE_FUZZ_CASES ?? 300);
const seed = Number(process.env.CROSSGATE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

it(`${cases} mutated templates: exit 0, 1 or 2, a position on every exit 2, bounded time and memory (seed ${seed})`, {
  timeout: 120_000 + cases * 200,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-fuzz-'));
  const progress = join(dir, 'progress.json');
  const run = await runChild([], {
    CROSSGATE_CHILD_MODE: 'fuzz',
    CROSSGATE_FUZZ_SEED: String(seed),
    CROSSGATE_FUZZ_CASES: String(cases),
    CROSSGATE_FUZZ_DIR: dir,
    CROSSGATE_FUZZ_ROOT: ROOT,
    CROSSGATE_FUZZ_PROGRESS: progress,
    CROSSGATE_CONFORMANCE_DIR: CONFORMANCE_DIR,
  });
  const last = () => {
    try {
      return readFileSync(progress, 'utf8');
    } catch {
      return '(no case started)';
    }
  };
  expect(run.signal, `the fuzz process died during ${last()}: ${run.stderr.slice(-2000)}`).toBeNull();
  expect(run.status, `${last()}: ${run.stderr.slice(-2000)}`).toBe(0);
  const summary = run.report as FuzzSummary;
  expect(summary.cases).toBe(cases);
  expect(summary.corpus).toBeGreaterThan(20);
  expect(summary.failures, `seed ${seed}; replay with CROSSGATE_FUZZ_SEED=${seed}`).toEqual([]);
  for (const code of Object.keys(summary.exits)) expect(['0', '1', '2']).toContain(code);
  console.log(
    `fuzz: seed ${seed}, ${cases} cases over ${summary.corpus} templates, exits ${JSON.stringify(summary.exits)}, ` +
      `slowest ${Math.round(summary.slowest.ms)} ms (case ${summary.slowest.case}), ` +
      `${Math.round(summary.totalMs)} ms in all, peak RSS ${Math.round(summary.maxRssMb)} MB`,
  );
});
