/**
 * The fuzz driver: runs `crossgate check` / `deployment` in-process on mutated templates and says
 * how each case ended. It runs in a child process (bundled by test/fuzz/child.ts) with a hard heap
 * limit, so a case that takes gigabytes kills the run instead of the machine; the progress file
 * names the case that was running if it does.
 *
 * Configuration comes from the environment (the child has no other input):
 *   CROSSGATE_FUZZ_SEED, CROSSGATE_FUZZ_CASES, CROSSGATE_FUZZ_FIRST (first case number),
 *   CROSSGATE_FUZZ_DIR (a scratch folder), CROSSGATE_FUZZ_REPORT (where the JSON summary goes),
 *   CROSSGATE_FUZZ_ONLY (case numbers, comma-separated, to replay just those).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/run.js';
import { parseTemplate } from '../../src/template/parse.js';
import { CONFORMANCE_DIR } from '../sam/conformance.js';
import { mutate } from './mutate.js';

export interface CaseFailure {
  case: number;
  base: string;
  argv: string[];
  what: 'crash' | 'exit code' | 'no position' | 'slow' | 'prototype pollution';
  detail: string;
  /** The template of the case, kept for replay. */
  saved: string;
}

export interface FuzzSummary {
  seed: number;
  first: number;
  cases: number;
  corpus: number;
  exits: Record<string, number>;
  failures: CaseFailure[];
  slowest: { case: number; ms: number; base: string; argv: string[] };
  /** The most frequent reasons for exit 2 (names and numbers blanked), most frequent first. */
  refusals: Array<[string, number]>;
  totalMs: number;
  maxRssMb: number;
}

/** A case slower than this is a failure: the budget is 2 s; this leaves room for a loaded machine. */
export const SLOW_CASE_MS = 10_000;

/** The examples, the SAM translator's inputs and the published excerpts, plus JSON renderings of some. */
export function loadCorpus(root: string): Array<{ name: string; text: string; json: boolean }> {
  const out: Array<{ name: string; text: string; json: boolean }> = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (f === 'node_modules') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f))
        out.push({ name: p.slice(root.length + 1), text: readFileSync(p, 'utf8'), json: false });
    }
  };
  walk(join(root, 'examples'));
  walk(join(root, 'test/template/fixtures'));
  const input = join(CONFORMANCE_DIR, 'input');
  if (existsSync(input)) {
    for (const f of readdirSync(input).sort())
      out.push({ name: `conformance/${f}`, text: readFileSync(join(input, f), 'utf8'), json: false });
  }
  // SAM CLI reads JSON with json.loads first: keep some templates in that form too.
  const yamlCount = out.length;
  for (let i = 0; i < yamlCount; i += 7) {
    try {
      const { root: value } = parseTemplate(out[i].text, out[i].name);
      out.push({ name: `${out[i].name}.json`, text: `${JSON.stringify(value, null, 2)}\n`, json: true });
    } catch {
      // a template crossgate refuses has no JSON rendering; the YAML one is in the corpus
    }
  }
  return out;
}

const COMMANDS: string[][] = [
  ['check'],
  ['deployment'],
  ['check', '--format', 'json'],
  ['check', '--fix', '--dry-run'],
  ['deployment', '--json'],
  ['check', '--format', 'sarif'],
  ['check', '--fix'],
];

/** Runs main() with stdout and stderr captured. */
async function runQuietly(argv: string[]): Promise<{ code: number; stderr: string }> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stderr = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => {
    if (stderr.length < 20_000) stderr += String(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

export async function fuzz(options: {
  seed: number;
  first: number;
  cases: number;
  dir: string;
  root: string;
  progress?: string;
  /** Only these case numbers (to replay a few). */
  only?: number[];
}): Promise<FuzzSummary> {
  const corpus = loadCorpus(options.root);
  const texts = corpus.map((c) => c.text);
  const exits: Record<string, number> = {};
  const failures: CaseFailure[] = [];
  let slowest = { case: -1, ms: 0, base: '', argv: [] as string[] };
  const refusals = new Map<string, number>();
  // A case that writes onto a built-in prototype corrupts every later one (and a long-running serve):
  // each case must leave them as they were.
  const prototypes = [Object.prototype, Array.prototype, Function.prototype];
  const pristine = prototypes.map((p) => new Set(Reflect.ownKeys(p)));
  const started = performance.now();
  const numbers = options.only ?? Array.from({ length: options.cases }, (_, i) => options.first + i);
  for (const n of numbers) {
    const { base, text } = mutate(options.seed, n, texts);
    const file = join(options.dir, corpus[base].json ? 'case.json' : 'case.yaml');
    writeFileSync(file, text);
    const argv = [...COMMANDS[n % COMMANDS.length]];
    argv.splice(1, 0, file);
    if (options.progress)
      writeFileSync(options.progress, JSON.stringify({ case: n, base: corpus[base].name, argv }));
    const t0 = performance.now();
    let code: number;
    let stderr = '';
    try {
      ({ code, stderr } = await runQuietly(argv));
    } catch (error) {
      code = 3;
      stderr =
        error instanceof Error
          ? (error.stack ?? error.message).split('\n').slice(0, 6).join('\n')
          : String(error);
    }
    const ms = performance.now() - t0;
    exits[code] = (exits[code] ?? 0) + 1;
    if (ms > slowest.ms) slowest = { case: n, ms, base: corpus[base].name, argv };
    const fail = (what: CaseFailure['what'], detail: string) => {
      const saved = join(options.dir, `case-${n}${corpus[base].json ? '.json' : '.yaml'}`);
      writeFileSync(saved, text);
      failures.push({ case: n, base: corpus[base].name, argv, what, detail, saved });
    };
    if (code === 3) fail('crash', stderr);
    else if (![0, 1, 2].includes(code)) fail('exit code', `exit ${code}`);
    // Every exit 2 on a template names file:line:col (the file is the case file, as shown).
    if (code === 2 && !/^error \S+:\d+:\d+: /m.test(stderr)) fail('no position', stderr.slice(0, 400));
    if (code === 2) {
      const reason = (stderr.split('\n')[0] ?? '')
        .replace(/^error \S+:\d+:\d+: /, '')
        .replace(/'[^']*'|"[^"]*"|\[[^\]]*\]|\b[A-Z][A-Za-z0-9]*\b|\d+/g, '_')
        .slice(0, 90);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    }
    if (ms > SLOW_CASE_MS) fail('slow', `${Math.round(ms)} ms`);
    prototypes.forEach((p, i) => {
      const added = Reflect.ownKeys(p).filter((k) => !pristine[i].has(k));
      if (added.length === 0) return;
      fail('prototype pollution', `${added.map(String).join(', ')} written onto a built-in prototype`);
      for (const k of added) delete (p as Record<PropertyKey, unknown>)[k];
    });
  }
  return {
    seed: options.seed,
    first: options.first,
    cases: options.cases,
    corpus: corpus.length,
    exits,
    failures,
    slowest,
    refusals: [...refusals].sort((a, b) => b[1] - a[1]).slice(0, 25),
    totalMs: performance.now() - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Entry point in the child process. */
export async function fromEnvironment(): Promise<void> {
  const env = process.env;
  const summary = await fuzz({
    seed: Number(env.CROSSGATE_FUZZ_SEED ?? 1),
    first: Number(env.CROSSGATE_FUZZ_FIRST ?? 0),
    cases: Number(env.CROSSGATE_FUZZ_CASES ?? 300),
    dir: env.CROSSGATE_FUZZ_DIR ?? '.',
    root: env.CROSSGATE_FUZZ_ROOT ?? process.cwd(),
    progress: env.CROSSGATE_FUZZ_PROGRESS,
    only: env.CROSSGATE_FUZZ_ONLY ? env.CROSSGATE_FUZZ_ONLY.split(',').map(Number) : undefined,
  });
  writeFileSync(env.CROSSGATE_FUZZ_REPORT ?? 'fuzz-report.json', JSON.stringify(summary, null, 2));
}
