#!/usr/bin/env node
// Runs every bench/*.bench.mjs (or those whose name contains an argument), each in its own process so
// one benchmark's garbage does not bill the next, and writes their Markdown into bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(here, '..'), stdio: 'inherit' });

const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const resultsPath = join(here, 'RESULTS.md');
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
const sections = new Map();
for (const m of previous.matchAll(/<!-- bench:(\S+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g))
  sections.set(m[1], m[2]);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
for (const file of benches) {
  const name = file.replace(/\.bench\.mjs$/, '');
  console.error(`bench: ${name}`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(here, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) {
    console.error(`bench: ${name} failed (exit ${run.status})`);
    process.exitCode = 1;
    continue;
  }
  const stamp = `_Run ${new Date().toISOString().slice(0, 10)} on ${machine} with \`npm run bench -- ${name}\`._\n\n`;
  sections.set(name, stamp + run.stdout.trim() + '\n');
  process.stdout.write(run.stdout);
}

let out =
  '# Benchmark results\n\nEvery figure below was produced by `npm run bench` (one section per `bench/*.bench.mjs`) on the\nmachine named in its section; peers were measured in the same run. Timings never decide a test.\n\n';
for (const [name, body] of [...sections].sort())
  out += `<!-- bench:${name} -->\n${body}<!-- /bench:${name} -->\n\n`;
writeFileSync(resultsPath, out);
