// crossgate serve with a Python handler (bench/python-hello: a hello-world on python3.12, through the Runtime
// API): autocannon at 1 connection (latency) and 20 connections (throughput), 10 s per round, 3 rounds,
// median round reported; then the first event of a new Python environment (cold start), 15 times.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = 3990 + Math.floor(Math.random() * 9);
const child = spawn(
  process.execPath,
  [
    join(root, 'dist/cli/main.js'),
    'serve',
    'bench/python-hello/template.yaml',
    '--port',
    String(port),
    '--no-watch',
    '--inspector',
    'off',
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
const url = `http://127.0.0.1:${port}/hello`;
for (;;) {
  try {
    if ((await fetch(url)).status === 200) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 10));
}
const load = (connections, duration) => autocannon({ url, connections, duration });
await load(20, 2); // warm-up: the pool grows to its environments

const ROUNDS = 3;
const single = [];
const twenty = [];
for (let i = 0; i < ROUNDS; i++) {
  single.push(await load(1, 10));
  twenty.push(await load(20, 10));
}
child.kill();
await new Promise((r) => child.once('exit', r));

const median = (runs) => [...runs].sort((a, b) => a.requests.average - b.requests.average)[runs.length >> 1];
const ms = (value) => (value === 0 ? '< 1' : String(value));
const rps = (run) => Math.round(run.requests.average).toLocaleString('en-US');
const s = median(single);
const t = median(twenty);

// Cold start: a new environment's first event, through the runtime (interpreter already found).
const { createRuntime } = await import(join(root, 'dist/runtime/index.js'));
const specs = Array.from({ length: 15 }, (_, i) => ({
  id: `Cold${i}`,
  codeDir: join(root, 'bench/python-hello'),
  handler: 'app.handler',
  runtime: 'python3.12',
  environment: {},
  timeoutSeconds: 3,
  memoryMB: 128,
}));
const runtime = createRuntime(specs);
const notes = await runtime.notes();
const cold = [];
for (const spec of specs) {
  const started = performance.now();
  const outcome = await runtime.invoke(spec.id, { path: '/hello' }, `cold-${spec.id}`, 3000);
  if (!outcome.ok) throw new Error(`${outcome.errorType}: ${outcome.message}`);
  cold.push(performance.now() - started);
}
await runtime.close();
cold.sort((a, b) => a - b);

console.log('### crossgate serve: a Python handler (python3.12 hello-world)\n');
console.log(
  "`crossgate serve bench/python-hello/template.yaml` (GET /hello, a Python handler answering a small JSON body through crossgate's Runtime API; request log to /dev/null). autocannon, 10 s per round, " +
    ROUNDS +
    ' rounds, median round reported (every round in brackets).\n',
);
console.log('| measure | value |');
console.log('| --- | ---: |');
// autocannon records latency in whole milliseconds: at one connection the round trip is 1 s / requests.
console.log(
  `| 1 connection: round trip (1 s / requests), p50, p99 | ${(1000 / s.requests.average).toFixed(2)} ms, ${ms(s.latency.p50)} ms, ${ms(s.latency.p99)} ms (${rps(s)} req/s; ${single.map(rps).join(', ')}) |`,
);
console.log(`| 20 connections: requests/s | ${rps(t)} (${twenty.map(rps).join(', ')}) |`);
console.log(`| 20 connections: latency p50 / p99 | ${ms(t.latency.p50)} / ${ms(t.latency.p99)} ms |`);
console.log(
  `| errors / non-2xx, all rounds | ${[...single, ...twenty].reduce((n, x) => n + x.errors, 0)} / ${[...single, ...twenty].reduce((n, x) => n + x.non2xx, 0)} |`,
);
console.log(
  `| a new Python environment's first event: median (min–max of ${cold.length}) | ${cold[cold.length >> 1].toFixed(0)} ms (${cold[0].toFixed(0)}–${cold.at(-1).toFixed(0)}) |`,
);
if (notes.length > 0) console.log(`\nInterpreter note: ${notes.join('; ')}`);
console.log(
  `\nLoad average when the run ended: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (the machine is shared). Targets: p50 < 3 ms and ≥ 1,500 req/s at 20 connections; first event < 150 ms.`,
);
