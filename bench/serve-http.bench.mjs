// crossgate serve on the HTTP API example (payload format 2.0, CORS answered from CorsConfiguration,
// a handler returning a bare object) beside the REST example (payload 1.0, keyed, crossgate/lambda in
// the handler), same load: autocannon, 20 connections, GET /items with an Origin, 3 rounds of 5 s each
// taking turns; medians reported. Also the HTTP API's preflight, answered by the gateway itself.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'bench-key-0123456789abcdefghijklmnopqrstuv';
const base = 4000 + Math.floor(Math.random() * 800);
const ORIGIN = 'http://localhost:5173';

function start(template, port, extra = []) {
  return spawn(
    process.execPath,
    [
      join(root, 'dist/cli/main.js'),
      'serve',
      template,
      '--port',
      String(port),
      '--no-watch',
      '--inspector',
      'off',
      ...extra,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function ready(url, headers) {
  for (;;) {
    try {
      if ((await fetch(url, { headers })).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 10));
  }
}

const httpApi = start('examples/http-api/template.yaml', base);
const rest = start('examples/proxy-api/template.yaml', base + 10, ['--api-key', KEY]);
const targets = {
  'HTTP API GET /items (2.0, CORS from CorsConfiguration)': {
    url: `http://127.0.0.1:${base}/items`,
    headers: { origin: ORIGIN },
  },
  'REST API GET /items (1.0, keyed, withCors)': {
    url: `http://127.0.0.1:${base + 10}/items`,
    headers: { origin: ORIGIN, 'x-api-key': KEY },
  },
  'HTTP API OPTIONS /items (preflight answered by the gateway)': {
    url: `http://127.0.0.1:${base}/items`,
    method: 'OPTIONS',
    headers: {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  },
};
try {
  for (const t of Object.values(targets)) await ready(t.url, t.headers);
  const load = (t, duration) =>
    autocannon({ url: t.url, method: t.method ?? 'GET', headers: t.headers, connections: 20, duration });
  for (const t of Object.values(targets)) await load(t, 2); // warm-up
  const rounds = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (let round = 0; round < 3; round++)
    for (const [name, t] of Object.entries(targets)) {
      const r = await load(t, 5);
      rounds[name].push({
        rps: r.requests.average,
        p99: r.latency.p99,
        errors: r.errors + r.non2xx,
      });
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log('## serve — HTTP API beside REST API\n');
  console.log('| target | req/s (median of 3 × 5 s) | p99 ms | rounds (req/s) | errors |');
  console.log('| --- | ---: | ---: | --- | ---: |');
  for (const [name, rs] of Object.entries(rounds))
    console.log(
      `| ${name} | ${Math.round(median(rs.map((r) => r.rps))).toLocaleString('en')} | ${median(rs.map((r) => r.p99))} | ${rs.map((r) => Math.round(r.rps).toLocaleString('en')).join(', ')} | ${rs.reduce((a, r) => a + r.errors, 0)} |`,
    );
  console.log('\n20 connections, autocannon, both servers running during every round (they take turns).');
} finally {
  httpApi.kill();
  rest.kill();
}
