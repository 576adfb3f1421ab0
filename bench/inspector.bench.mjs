// What the inspector costs the gateway's hot path: onExchange per call (in-process), and the local
// server's throughput on the CORS preflight (API Gateway's mock, no Lambda) with the inspector not
// attached, attached with nobody watching, and attached with one page streaming.
// Run by bench/run.mjs after `npm run build`; prints its Markdown section on stdout.
import http from 'node:http';
import autocannon from 'autocannon';
import { loadTemplateFile } from '../dist/cli/template-file.js';
import { startInspector } from '../dist/inspector/index.js';
import { serve } from '../dist/serve/serve.js';

const PAGE = 'http://localhost:5173';
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A page that keeps an SSE stream open (and reads it), like an open inspector tab. */
function watch(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/events`, (res) => {
      res.once('data', () => resolve(() => req.destroy()));
      res.resume();
    });
    req.on('error', () => {});
  });
}

// ---- 1. onExchange, in-process
const { model, deployment } = loadTemplateFile('examples/proxy-api/template.yaml');
const preflight = {
  request: {
    method: 'OPTIONS',
    path: '/items',
    query: '',
    headers: [
      ['Host', '127.0.0.1:3000'],
      ['Origin', PAGE],
      ['Access-Control-Request-Method', 'POST'],
      ['Access-Control-Request-Headers', 'content-type,x-api-key'],
      ['User-Agent', 'Mozilla/5.0'],
    ],
    body: undefined,
    sourceIp: '127.0.0.1',
    domainName: '127.0.0.1:3000',
  },
  response: {
    status: 200,
    headers: [
      ['Content-Type', 'application/json'],
      ['Access-Control-Allow-Origin', PAGE],
      ['Access-Control-Allow-Headers', 'Content-Type,X-Api-Key'],
      ['Access-Control-Allow-Methods', 'GET,POST,PUT,DELETE,OPTIONS'],
      ['Access-Control-Max-Age', '600'],
    ],
    body: '{}\n',
    trace: { requestId: 'r', kind: 'mock' },
  },
  started: 0,
  durationMs: 0.4,
};

const inspector = await startInspector({ port: 0, apiUrl: 'http://127.0.0.1:3000', apis: deployment.apis });
// Rounds are separated by a turn of the event loop so a streaming page's socket drains, as it does
// between requests in the server (a synchronous burst of megabytes would drop the page instead).
async function perCall(fn, n) {
  for (let i = 0; i < Math.min(n, 50_000); i++) fn(preflight); // warm-up
  globalThis.gc?.();
  const rounds = [];
  for (let k = 0; k < 7; k++) {
    await new Promise((r) => setTimeout(r, 50));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(preflight);
    rounds.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return median(rounds);
}
const noHook = undefined;
const nsNone = await perCall((x) => noHook?.(x), 5_000_000);
const nsIdle = await perCall(inspector.onExchange, 5_000_000);
const stop = await watch(inspector.url);
const nsWatched = await perCall(inspector.onExchange, 10_000);
stop();
await inspector.close();

// ---- 2. the server's throughput on the preflight
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
async function throughput(onExchange) {
  const running = await serve(model, deployment, { port: 0, watch: false, onExchange });
  const url = `${running.server.url}/items`;
  const headers = {
    origin: PAGE,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type,x-api-key',
  };
  await autocannon({ url, method: 'OPTIONS', headers, connections: 10, duration: 1 }); // warm-up
  const r = await autocannon({ url, method: 'OPTIONS', headers, connections: 10, duration: DURATION });
  await running.close();
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`bench: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

const configs = {
  'not attached': async () => throughput(undefined),
  'attached, nobody watching': async () => {
    const i = await startInspector({ port: 0, apiUrl: 'http://127.0.0.1:3000', apis: deployment.apis });
    try {
      return await throughput(i.onExchange);
    } finally {
      await i.close();
    }
  },
  'attached, one page streaming': async () => {
    const i = await startInspector({ port: 0, apiUrl: 'http://127.0.0.1:3000', apis: deployment.apis });
    const done = await watch(i.url);
    try {
      return await throughput(i.onExchange);
    } finally {
      done();
      await i.close();
    }
  },
};
const results = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
for (let round = 0; round < 3; round++)
  for (const [name, run] of Object.entries(configs)) results[name].push(await run());

const base = median(results['not attached'].map((r) => r.rps));
let rows = '';
for (const [name, rs] of Object.entries(results)) {
  const rps = median(rs.map((r) => r.rps));
  const delta =
    name === 'not attached' ? '—' : `${rps >= base ? '+' : ''}${fmt(((rps - base) / base) * 100, 1)} %`;
  const all = rs.map((r) => r.rps);
  rows += `| ${name} | ${fmt(rps)} | ${fmt(Math.min(...all))}–${fmt(Math.max(...all))} | ${delta} | ${fmt(median(rs.map((r) => r.p99)))} |\n`;
}

console.log(`\`onExchange\` per call, in-process (a CORS preflight exchange; median of 7 rounds):

| inspector | ns per exchange |
| --- | ---: |
| not attached (\`onExchange?.()\` on undefined) | ${fmt(nsNone, 1)} |
| attached, nobody watching (early return) | ${fmt(nsIdle, 1)} |
| attached, one page streaming (verdict + JSON + SSE write) | ${fmt(nsWatched, 0)} |

\`crossgate serve\` on examples/proxy-api, \`OPTIONS /items\` preflight (API Gateway's mock, no Lambda), autocannon 10 connections × ${DURATION} s, median of 3 interleaved rounds:

| inspector | requests/s | rounds (min–max) | vs. not attached | p99 ms |
| --- | ---: | ---: | ---: | ---: |
${rows.trimEnd()}

autocannon, the server and the streaming page share this one process, so the last row is a ceiling
on the cost, paid only while an inspector tab is open.`);
