#!/usr/bin/env node
// `npm run fuzz`: the fuzz test at scale (10,000 cases by default, in child processes with a 500 MB
// heap), then each hostile input of test/fuzz/hostile-inputs.mjs in a process of its own, timed.
// Prints the figures as Markdown; `--write` also puts them in bench/RESULTS.md (section "fuzz").
//
//   npm run fuzz -- [--cases 10000] [--seed N] [--write] [--no-inputs]
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { HEAP_MB, ROOT, runChild } from './child.mjs';
import { hostileInputs } from './hostile-inputs.mjs';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    write: { type: 'boolean', default: false },
    'no-inputs': { type: 'boolean', default: false },
  },
});
const cases = Number(values.cases);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const CHUNK = 2500;

const dir = mkdtempSync(join(tmpdir(), 'cg-fuzz-'));
const exits = {};
const failures = [];
let slowest = { ms: 0 };
let totalMs = 0;
let maxRssMb = 0;
let corpus = 0;
const started = performance.now();
for (let first = 0; first < cases; first += CHUNK) {
  const count = Math.min(CHUNK, cases - first);
  const progress = join(dir, 'progress.json');
  const run = await runChild(
    [],
    {
      CROSSGATE_CHILD_MODE: 'fuzz',
      CROSSGATE_FUZZ_SEED: String(seed),
      CROSSGATE_FUZZ_FIRST: String(first),
      CROSSGATE_FUZZ_CASES: String(count),
      CROSSGATE_FUZZ_DIR: dir,
      CROSSGATE_FUZZ_ROOT: ROOT,
      CROSSGATE_FUZZ_PROGRESS: progress,
    },
    { timeoutMs: 3_600_000 },
  );
  if (run.signal || run.status !== 0 || !run.report) {
    const last = existsSync(progress) ? readFileSync(progress, 'utf8') : '(none)';
    failures.push({
      what: 'process died',
      detail: `${run.signal ?? run.status} during ${last}: ${run.stderr.slice(-1500)}`,
    });
    continue;
  }
  const s = run.report;
  corpus = s.corpus;
  for (const [code, n] of Object.entries(s.exits)) exits[code] = (exits[code] ?? 0) + n;
  failures.push(...s.failures);
  if (s.slowest.ms > slowest.ms) slowest = s.slowest;
  totalMs += s.totalMs;
  maxRssMb = Math.max(maxRssMb, s.maxRssMb);
  process.stderr.write(`fuzz: ${first + count}/${cases} cases, ${failures.length} failures\n`);
}
const wallS = (performance.now() - started) / 1000;

const inputs = [];
if (!values['no-inputs']) {
  for (const [i, input] of hostileInputs().entries()) {
    let file = input.path;
    if (!file) {
      file = join(dir, `input-${i}.yaml`);
      writeFileSync(file, input.text);
    }
    const run = await runChild(['check', file]);
    const r = run.report ?? {};
    const firstLine = (run.stderr.split('\n')[0] ?? '').replace(relative(ROOT, file), 'FILE');
    inputs.push({
      name: input.name,
      outcome:
        r.code === 2
          ? `refused: ${firstLine.replace(/^error FILE:\d+:\d+: /, '').slice(0, 110)}`
          : `exit ${r.code ?? run.signal}`,
      ms: r.ms,
      cpuMs: r.cpuMs,
      wallMs: run.wallMs,
      rss: r.maxRssMb,
    });
    process.stderr.write(`input: ${input.name}: ${Math.round(r.ms)} ms, ${Math.round(r.maxRssMb)} MB\n`);
  }
}

const crashes = failures.filter((f) =>
  ['crash', 'process died', 'exit code', 'prototype pollution'].includes(f.what),
);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
let md = `### Fuzz: ${fmt(cases)} mutated templates\n\n`;
md += `Seed ${seed}; ${corpus} base templates (examples, the SAM translator's inputs, the serverless-patterns excerpts, JSON renderings); each case mutated 1-3 times and given to one of check (text, json, sarif, --fix, --fix --dry-run) or deployment (text, --json), in-process, in child processes with a ${HEAP_MB} MB heap (${CHUNK} cases each).\n\n`;
md += '| figure | value |\n| --- | ---: |\n';
md += `| crashes (exit 3, uncaught error, process death, a built-in prototype written to) | ${crashes.length} |\n`;
md += `| exit 2 without file:line:col | ${failures.filter((f) => f.what === 'no position').length} |\n`;
md += `| cases over ${fmt(10_000)} ms | ${failures.filter((f) => f.what === 'slow').length} |\n`;
md += `| exits 0 / 1 / 2 | ${fmt(exits[0] ?? 0)} / ${fmt(exits[1] ?? 0)} / ${fmt(exits[2] ?? 0)} |\n`;
md += `| slowest case | ${fmt(slowest.ms)} ms |\n`;
md += `| mean per case | ${(totalMs / cases).toFixed(1)} ms |\n`;
md += `| peak RSS of a fuzz process | ${fmt(maxRssMb)} MB |\n`;
md += `| wall time | ${wallS.toFixed(0)} s |\n\n`;
if (inputs.length > 0) {
  md += `### Hostile inputs, each in its own process (\`crossgate check\`, ${HEAP_MB} MB heap)\n\n`;
  md += `Budget (issue 13): loads in < 2 s and < 500 MB, or is refused naming the cause. "time" is from \`main()\` to its answer (wall clock); "cpu" is the process's user + system time, start-up included, which a machine busy with other work moves far less (load average when the run ended: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores); "wall" is from spawn to exit.\n\n`;
  md += '| input | outcome | time | cpu | wall | peak RSS |\n| --- | --- | ---: | ---: | ---: | ---: |\n';
  for (const r of inputs)
    md += `| ${r.name} | ${r.outcome.replace(/\|/g, '\\|')} | ${fmt(r.ms ?? 0)} ms | ${fmt(r.cpuMs ?? 0)} ms | ${fmt(r.wallMs)} ms | ${fmt(r.rss ?? 0)} MB |\n`;
}
process.stdout.write(`${md}\n`);
if (failures.length > 0) {
  process.stdout.write(`\nFailures (replay with --seed ${seed}):\n`);
  for (const f of failures.slice(0, 50)) process.stdout.write(`${JSON.stringify(f)}\n`);
}

if (values.write) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const stamp = `_Run ${new Date().toISOString().slice(0, 10)} on ${machine} with \`npm run fuzz -- --cases ${cases} --seed ${seed} --write\`._\n\n`;
  const path = join(ROOT, 'bench/RESULTS.md');
  const before = readFileSync(path, 'utf8');
  const section = `<!-- bench:fuzz -->\n${stamp}${md}<!-- /bench:fuzz -->`;
  const after = /<!-- bench:fuzz -->[\s\S]*?<!-- \/bench:fuzz -->/.test(before)
    ? before.replace(/<!-- bench:fuzz -->[\s\S]*?<!-- \/bench:fuzz -->/, section)
    : `${before.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, after);
}
process.exitCode = crashes.length > 0 || failures.length > 0 ? 1 : 0;
