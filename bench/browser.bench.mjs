// Verdicts per second of the browser model (simulateFetch) over a mixed scenario set, on one core.
// Run by bench/run.mjs after `npm run build`; prints its Markdown section on stdout.
import { simulateFetch } from '../dist/browser/index.js';

const PAGE = 'http://localhost:5173';
const URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/items';
const good = [
  ['Access-Control-Allow-Origin', PAGE],
  ['Access-Control-Allow-Methods', 'GET,POST,PUT,DELETE,PATCH,OPTIONS'],
  ['Access-Control-Allow-Headers', 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'],
  ['Content-Type', 'application/json'],
];
const responders = {
  good: () => ({ status: 200, headers: good }),
  none: () => ({ status: 200, headers: [['Content-Type', 'application/json']] }),
  apiKey403: (req) =>
    req.method === 'OPTIONS' ? { status: 403, headers: [] } : { status: 200, headers: good },
  star: () => ({ status: 200, headers: [['Access-Control-Allow-Origin', '*']] }),
  creds: () => ({ status: 200, headers: [...good, ['Access-Control-Allow-Credentials', 'true']] }),
};
const calls = [
  { url: URL },
  { url: URL, method: 'POST', body: { type: 'text' } },
  { url: URL, method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: { type: 'json' } },
  { url: URL, method: 'GET', headers: { 'x-api-key': 'k-123' } },
  { url: URL, method: 'DELETE', headers: { Authorization: 'Bearer t' }, credentials: 'include' },
  { url: URL, method: 'patch', body: { type: 'json' } },
];
const mix = [];
for (const c of calls) for (const r of Object.values(responders)) mix.push([c, r]);

function run(n) {
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const [c, r] = mix[i % mix.length];
    if (simulateFetch(PAGE, c, r).allowed) allowed++;
  }
  return allowed;
}
// As a front end uses a verdict it quotes: every engine's console lines read too.
function runQuoted(n) {
  let lines = 0;
  for (let i = 0; i < n; i++) {
    const [c, r] = mix[i % mix.length];
    const e = simulateFetch(PAGE, c, r).engines;
    lines +=
      e.chromium.consoleMessages.length + e.firefox.consoleMessages.length + e.webkit.consoleMessages.length;
  }
  return lines;
}
function measure(fn) {
  fn(200_000); // warm-up
  globalThis.gc?.();
  const rounds = [];
  for (let k = 0; k < 5; k++) {
    const n = 300_000;
    const t0 = process.hrtime.bigint();
    fn(n);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rounds.push(n / s);
  }
  return rounds.sort((a, b) => a - b);
}
const rounds = measure(run);
const quoted = measure(runQuoted);
const median = rounds[2];
const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`Mixed set: ${calls.length} fetch() calls × ${Object.keys(responders).length} responders (${mix.length} scenarios: simple/preflight, allowed/blocked, credentials, API-key 403 on OPTIONS, \`patch\`), one core.

| measure | verdicts/s |
| --- | ---: |
| simulateFetch, median of 5 rounds | ${fmt(median)} |
| simulateFetch, best round | ${fmt(rounds[4])} |
| simulateFetch and every engine's console lines read, median of 5 rounds | ${fmt(quoted[2])} |

Each verdict carries Chromium's, Firefox's and WebKit's outcome; their console lines are built when
read (a front end quotes a few). Target: > 500,000 verdicts/s.`);
