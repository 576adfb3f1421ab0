// crossgate serve on the example API (one keyed route, TypeScript handler with crossgate/lambda), driven
// by autocannon: 20 connections, 10 s, GET /items with x-api-key and an Origin. Also: start-up to the
// first answered request, and memory after 100,000 requests.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'bench-key-0123456789abcdefghijklmnopqrstuv';
const port = 3900 + Math.floor(Math.random() * 90);

const started = performance.now();
const child = spawn(
  process.execPath,
  [
    join(root, 'dist/cli/main.js'),
    'serve',
    'examples/proxy-api/template.yaml',
    '--port',
    String(port),
    '--api-key',
    KEY,
    '--no-watch',
  ],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
child.stdout.resume();
const url = `http://127.0.0.1:${port}/items`;
const headers = { 'x-api-key': KEY, origin: 'http://localhost:5173' };
let firstAnswerMs;
for (;;) {
  try {
    const res = await fetch(url, { headers });
    if (res.status === 200) {
      firstAnswerMs = performance.now() - started;
      break;
    }
  } catch {}
  await new Promise((r) => setTimeout(r, 5));
}
const rss = async () =>
  Number(
    (await import('node:fs')).readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1],
  ) / 1024;
const run = (duration, amount) =>
  autocannon({ url, connections: 20, headers, ...(amount ? { amount } : { duration }) });
await run(2); // warm-up
const memBefore = await rss();
const r = await run(10);
await run(undefined, 100_000);
const memAfter = await rss();
await run(undefined, 100_000);
const memAfter2 = await rss();
child.kill();
await new Promise((r) => child.once('exit', r));

// The floor on this machine: a bare node:http server answering the same JSON, same load, same run.
const { createServer } = await import('node:http');
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('[{"id":"1","name":"first item"}]');
});
await new Promise((r) => bare.listen(0, '127.0.0.1', r));
const bareRun = await autocannon({
  url: `http://127.0.0.1:${bare.address().port}/items`,
  connections: 20,
  duration: 10,
  headers,
});
bare.close();

console.log('### crossgate serve: example API, GET /items with an API key\n');
console.log(
  'autocannon, 20 connections, 10 s, against `crossgate serve examples/proxy-api/template.yaml` (TypeScript handler in a worker, crossgate/lambda, API key check, request log to a pipe).\n',
);
console.log('| measure | value |');
console.log('| --- | ---: |');
console.log(`| requests/s (mean) | ${Math.round(r.requests.average).toLocaleString('en-US')} |`);
console.log(`| latency p50 | ${r.latency.p50} ms |`);
console.log(`| latency p99 | ${r.latency.p99} ms |`);
console.log(`| errors / non-2xx | ${r.errors} / ${r.non2xx} |`);
console.log(
  `| start-up to first answered request (cold TypeScript build included) | ${Math.round(firstAnswerMs)} ms |`,
);
console.log(
  `| server RSS after warm-up → +100,000 → +200,000 requests | ${memBefore.toFixed(0)} → ${memAfter.toFixed(0)} → ${memAfter2.toFixed(0)} MB |`,
);
console.log(
  `| for scale: a bare node:http server, same load, same run | ${Math.round(bareRun.requests.average).toLocaleString('en-US')} req/s, p99 ${bareRun.latency.p99} ms |`,
);
console.log(
  '\nPeer (not measured here: no serverless-offline install on this machine): the issue gives serverless-offline at about 1,100 req/s on this 2-core machine for the same one-route API with an API key.',
);
