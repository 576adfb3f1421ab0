// Issue 13's bar for serve under load: 100,000 requests at 20 connections give 0 errors and flat memory
// with the inspector connected. `crossgate serve` (the built CLI, as a user runs it) on the example API,
// GET /items with an API key and an Origin (so every exchange gets a browser verdict), one inspector
// page streaming every exchange over SSE the whole time (a reader that counts the frames, as an open
// tab would). Batches of 100,000 requests; the server's RSS after each; the frames the page received.
// Run by bench/run.mjs after `npm run build`; prints its Markdown section on stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'bench-key-0123456789abcdefghijklmnopqrstuv';
const port = 4000 + Math.floor(Math.random() * 900);
const inspectorPort = port + 1000;
const BATCH = Number(process.env.BENCH_BATCH ?? 100_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 5);
const CONNECTIONS = 20;

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
    '--inspector',
    String(inspectorPort),
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
const url = `http://127.0.0.1:${port}/items`;
const headers = { 'x-api-key': KEY, origin: 'http://localhost:5173' };
for (;;) {
  try {
    const [api, page] = await Promise.all([
      fetch(url, { headers }),
      fetch(`http://127.0.0.1:${inspectorPort}/api/info`),
    ]);
    if (api.status === 200 && page.status === 200) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 20));
}

const rssMB = () =>
  Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const load = (amount) => autocannon({ url, connections: CONNECTIONS, headers, amount });

/** An open inspector tab: reads the SSE stream to the end and counts the exchanges it was sent. */
function openPage() {
  const page = { frames: 0, dropped: false, close: () => {} };
  return new Promise((resolve) => {
    const req = http.get(`http://127.0.0.1:${inspectorPort}/events`, (res) => {
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const text = tail + chunk;
        let i = text.indexOf('event: exchange');
        while (i !== -1) {
          page.frames++;
          i = text.indexOf('event: exchange', i + 15);
        }
        tail = text.slice(-14);
      });
      res.on('close', () => {
        if (!closing) page.dropped = true;
      });
      resolve(page);
    });
    let closing = false;
    page.close = () => {
      closing = true;
      req.destroy();
    };
    req.on('error', () => {});
  });
}

const rows = [];
const record = (label, r, page) =>
  rows.push({
    label,
    // Requests over the batch's own duration: autocannon's per-second average is coarse for a batch
    // of a few seconds.
    rps: r.requests.total / ((new Date(r.finish) - new Date(r.start)) / 1000),
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    rss: rssMB(),
    frames: page?.frames,
  });

await load(10_000); // warm-up: handler built, worker started, JIT
const rssStart = rssMB();
record(`${BATCH.toLocaleString('en-US')} requests, no page open`, await load(BATCH));
const page = await openPage();
for (let b = 1; b <= BATCHES; b++) {
  const r = await load(BATCH);
  // Let the last frames of the batch reach the page before counting them.
  await new Promise((r) => setTimeout(r, 200));
  record(`+${BATCH.toLocaleString('en-US')} requests, page streaming (batch ${b})`, r, page);
}
page.close();
child.kill();
await new Promise((r) => child.once('exit', r));

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const inspected = rows.slice(1);
const totalErrors = inspected.reduce((n, x) => n + x.errors, 0);
const totalNon2xx = inspected.reduce((n, x) => n + x.non2xx, 0);
console.log('### crossgate serve under load with the inspector connected (issue 13)\n');
console.log(
  `\`crossgate serve examples/proxy-api/template.yaml\` (the built CLI, inspector on its own port), autocannon ${CONNECTIONS} connections, GET /items with an API key and an Origin, in batches of ${fmt(BATCH)} requests. After a batch with no page open, one inspector page opens the SSE stream and reads every frame (each exchange judged by the browser model, serialised and sent) for ${BATCHES} batches. RSS is the server process's after each batch; it was ${fmt(rssStart)} MB after a 10,000-request warm-up.\n`,
);
console.log(
  '| batch | requests/s | p99 ms | errors + timeouts | non-2xx | server RSS MB | frames the page received |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const x of rows)
  console.log(
    `| ${x.label} | ${fmt(x.rps)} | ${x.p99} | ${x.errors} | ${x.non2xx} | ${fmt(x.rss)} | ${x.frames === undefined ? '—' : fmt(x.frames)} |`,
  );
console.log(
  `\nWith the page streaming: ${fmt(BATCH * BATCHES)} requests, ${totalErrors} errors or timeouts, ${totalNon2xx} non-2xx; the page ${page.dropped ? 'was dropped by the server (it fell more than 4 MB behind)' : `stayed connected and received ${fmt(page.frames)} exchanges`}; RSS ${inspected.map((x) => fmt(x.rss)).join(' → ')} MB across the batches. The machine was shared with other work while this ran: throughput is depressed and varies; errors and memory are the figures that matter here.`,
);
