// crossgate serve on the example API (one keyed route, TypeScript handler with crossgate/lambda), driven
// by autocannon: 20 connections, 10 s, GET /items with x-api-key and an Origin. Also: start-up to the
// first answered request, and memory after 100,000 requests. In the same run, for scale: a bare
// node:http server, and the peer, serverless-offline on the same API (bench/peers/serverless-offline).
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
    // The request log is written as always, to /dev/null as the peer's is: read by this process it
    // would take the load generator's CPU.
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
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
const load = (target, duration, amount) =>
  autocannon({ url: target, connections: 20, headers, ...(amount ? { amount } : { duration }) });
await load(url, 2); // warm-up

// The floor on this machine: a bare node:http server answering the same JSON, same load.
const { createServer } = await import('node:http');
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('[{"id":"1","name":"first item"}]');
});
await new Promise((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${bare.address().port}/items`;

const peer = await startServerlessOffline();
if (!peer.skipped) await load(peer.url, 2); // warm-up

// This machine's speed drifts by a third from minute to minute (a shared VM): the three servers take
// turns, ROUNDS times, and each is reported by its median round.
const ROUNDS = 3;
const rounds = { crossgate: [], bare: [], peer: [] };
for (let i = 0; i < ROUNDS; i++) {
  rounds.crossgate.push(await load(url, 10));
  if (!peer.skipped) rounds.peer.push(await load(peer.url, 10));
  rounds.bare.push(await load(bareUrl, 10));
}
bare.close();
peer.stop?.();

const memBefore = await rss();
await load(url, undefined, 100_000);
const memAfter = await rss();
await load(url, undefined, 100_000);
const memAfter2 = await rss();
child.kill();
await new Promise((r) => child.once('exit', r));

const median = (runs) => [...runs].sort((a, b) => a.requests.average - b.requests.average)[runs.length >> 1];
const rps = (run) => Math.round(run.requests.average).toLocaleString('en-US');
const range = (runs) => runs.map(rps).join(', ');
const r = median(rounds.crossgate);
const bareRun = median(rounds.bare);
const peerRun = peer.skipped ? undefined : median(rounds.peer);

console.log('### crossgate serve: example API, GET /items with an API key\n');
console.log(
  "autocannon, 20 connections, 10 s per round, against `crossgate serve examples/proxy-api/template.yaml` (TypeScript handler in a worker, crossgate/lambda, API key check, a request log line with the browser verdict for each request, written to /dev/null as the peer's log is). crossgate, the peer and a bare node:http server take turns for " +
    ROUNDS +
    ' rounds; each is reported by its median round, every round in brackets.\n',
);
console.log('| measure | value |');
console.log('| --- | ---: |');
console.log(`| requests/s (median round) | ${rps(r)} (${range(rounds.crossgate)}) |`);
console.log(`| latency p50 | ${r.latency.p50} ms |`);
console.log(`| latency p99 | ${r.latency.p99} ms |`);
console.log(
  `| errors / non-2xx, all rounds | ${rounds.crossgate.reduce((n, x) => n + x.errors, 0)} / ${rounds.crossgate.reduce((n, x) => n + x.non2xx, 0)} |`,
);
console.log(
  `| start-up to first answered request (cold TypeScript build included) | ${Math.round(firstAnswerMs)} ms |`,
);
console.log(
  `| server RSS after the rounds → +100,000 → +200,000 requests | ${memBefore.toFixed(0)} → ${memAfter.toFixed(0)} → ${memAfter2.toFixed(0)} MB |`,
);
console.log(
  `| for scale: a bare node:http server, same load | ${rps(bareRun)} req/s, p99 ${bareRun.latency.p99} ms (${range(rounds.bare)}) |`,
);
console.log(
  peer.skipped
    ? `| peer: serverless-offline | not measured: ${peer.skipped} |`
    : `| peer: serverless-offline ${peer.version}, same API, same load | ${rps(peerRun)} req/s, p99 ${peerRun.latency.p99} ms, errors / non-2xx ${rounds.peer.reduce((n, x) => n + x.errors, 0)} / ${rounds.peer.reduce((n, x) => n + x.non2xx, 0)} (${range(rounds.peer)}) |`,
);
if (peerRun) {
  const ratios = rounds.crossgate.map((x, i) =>
    (x.requests.average / rounds.peer[i].requests.average).toFixed(1),
  );
  console.log(
    `\ncrossgate answered ${(r.requests.average / peerRun.requests.average).toFixed(1)}× the requests per second of serverless-offline, median against median (round by round: ${ratios.join(', ')}×; target: 10×).`,
  );
}
console.log(
  '\nThe peer runs examples/proxy-api/src/items.ts bundled by esbuild, behind `serverless offline` with the key on the method (bench/peers/serverless-offline/serverless.yml); the bench installs it into that folder on first use.',
);

/**
 * serverless-offline on the same one-route API, installed on first use into bench/peers (never a
 * dependency of crossgate). Returns its URL and how to stop it.
 */
async function startServerlessOffline() {
  const { existsSync, readFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const dir = join(root, 'bench/peers/serverless-offline');
  const installed = join(dir, 'node_modules/serverless-offline/package.json');
  if (!existsSync(installed)) {
    console.error('bench: installing serverless-offline into bench/peers (first run only)');
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (npm.status !== 0)
      return { skipped: `npm ci in bench/peers/serverless-offline failed (exit ${npm.status})` };
  }
  const version = JSON.parse(readFileSync(installed, 'utf8')).version;
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'examples/proxy-api/src/items.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: join(dir, '.build/items.js'),
    alias: { 'crossgate/lambda': join(root, 'src/lambda/index.ts') },
    logLevel: 'silent',
  });
  const httpPort = port + 100;
  const peerProcess = spawn(
    process.execPath,
    [join(dir, 'node_modules/serverless/bin/serverless.js'), 'offline', 'start'],
    {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: {
        ...process.env,
        PEER_HTTP_PORT: String(httpPort),
        PEER_LAMBDA_PORT: String(httpPort + 1),
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
    },
  );
  const peerUrl = `http://127.0.0.1:${httpPort}/items`;
  // serverless starts its own children: stop the whole group.
  const stop = () => {
    try {
      process.kill(-peerProcess.pid, 'SIGTERM');
    } catch {}
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(peerUrl, { headers });
      if (res.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      stop();
      return { skipped: 'serverless offline did not answer within 60 s' };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { version, url: peerUrl, stop };
}
