// Drives a real engine (Chromium, Firefox or WebKit) against two loopback servers (the page's origin and
// the API's origin) and records, per scenario, what the page saw, what the API server received and what
// the console printed.

import { renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FetchCall, WireRequest, WireResponse } from '../../src/browser/index.js';
import { CHROMIUM_PATH, hasChromium, launchChromium, openChromiumPage } from './engines/chromium.js';
import type { EngineName, EnginePage } from './engines/engine.js';
import { FIREFOX_PATH, hasFirefox, openFirefoxPage } from './engines/firefox.js';
import { makeTempDir, removeTempDir } from './engines/process.js';
import { multiarchLib } from './engines/system.js';
import {
  hasWebKit,
  MINIBROWSER_PATH,
  openMiniBrowser,
  openWebKitPage,
  WEBKIT_DRIVER_PATH,
} from './engines/webkit.js';

export type { EngineName };
export { CHROMIUM_PATH, hasChromium, launchChromium };

/** Each engine: whether it is installed here, where, and how to open a page in it. */
export const ENGINES: Record<
  EngineName,
  {
    installed: boolean;
    where: string;
    install: string;
    open: (env?: Record<string, string>) => Promise<EnginePage>;
  }
> = {
  chromium: {
    installed: hasChromium,
    where: CHROMIUM_PATH,
    install: 'apt-get install -y chromium (or set CHROMIUM_PATH)',
    open: openChromiumPage,
  },
  firefox: {
    installed: hasFirefox,
    where: FIREFOX_PATH,
    install: 'apt-get install -y firefox-esr (or set FIREFOX_PATH)',
    open: openFirefoxPage,
  },
  webkit: {
    installed: hasWebKit,
    where: `${WEBKIT_DRIVER_PATH}, ${MINIBROWSER_PATH}, Xvfb`,
    install:
      'apt-get install -y webkit2gtk-driver xvfb (or set WEBKIT_DRIVER_PATH, MINIBROWSER_PATH, XVFB_PATH)',
    open: openWebKitPage,
  },
};

export interface Env {
  /** Page origin, e.g. http://127.0.0.1:40001 */
  page: string;
  /** API origin. */
  api: string;
  /** This scenario's URL prefix on the API, `${api}/s/${id}`; the call goes to `${base}/x`. */
  base: string;
}

export interface Scenario {
  id: string;
  group: string;
  title: string;
  call: Omit<FetchCall, 'url'>;
  respond: (req: WireRequest, env: Env) => WireResponse;
  /** The URL fetched, when not `${env.base}/x`. */
  url?: (env: Env) => string;
}

/** The URL scenario `s` fetches in a run whose origins are `env`. */
export function scenarioUrl(s: Scenario, env: Omit<Env, 'base'>): string {
  const e = { ...env, base: `${env.api}/s/${s.id}` };
  return s.url ? s.url(e) : `${e.base}/x`;
}

export interface BrowserOutcome {
  resolved: boolean;
  exception?: string;
  status?: number;
  type?: string;
  headerNames?: string[];
  /** What the engine's console printed for this scenario; `undefined` when the console was not seen. */
  consoleMessages: string[] | undefined;
  /** Requests the API server received for this scenario. */
  received: WireRequest[];
}

function toInit(call: Scenario['call']): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  if (call.method !== undefined) init.method = call.method;
  if (call.headers !== undefined) init.headers = call.headers;
  if (call.credentials !== undefined) init.credentials = call.credentials;
  if (call.mode !== undefined) init.mode = call.mode;
  if (call.body && call.body.type !== 'none')
    init.body = { type: call.body.type, contentType: call.body.contentType };
  return init;
}

interface JobResult {
  ok: boolean;
  exception?: string;
  status?: number;
  type?: string;
  names?: string[];
}
interface Job {
  id: string;
  url: string;
  init: Record<string, unknown>;
}

/**
 * Runs in the page: every job's fetch(), `batch` at a time, and what the page could see of each. One
 * source for all engines and both ways of running it (called by a driver, or by the self-running page).
 * With `mark`, each fetch runs alone between two console lines, `crossgate:begin <id>` and
 * `crossgate:end <id>`, so that console lines that do not name the URL (WebKit's) can be attributed.
 */
const RUNNER = `async ({ jobs, batch, mark }) => {
  const out = {};
  const makeBody = (b) => {
    switch (b.type) {
      case 'text': return 'hello';
      case 'json': return JSON.stringify({ hello: 'world' });
      case 'urlencoded': return new URLSearchParams('a=1');
      case 'form-data': { const f = new FormData(); f.append('a', '1'); return f; }
      default: return new Blob(['x'], { type: b.contentType ?? '' });
    }
  };
  for (let i = 0; i < jobs.length; i += batch)
    await Promise.all(jobs.slice(i, i + batch).map(async (job) => {
      const init = { ...job.init };
      if (init.body) init.body = makeBody(init.body);
      if (mark) console.log('crossgate:begin ' + job.id);
      try {
        const res = await fetch(job.url, init);
        await res.arrayBuffer().catch(() => undefined);
        out[job.id] = { ok: true, status: res.status, type: res.type, names: [...res.headers.keys()] };
      } catch (e) {
        out[job.id] = { ok: false, exception: String(e) };
      }
      // Let console lines of this fetch that arrive a task later land before the end mark.
      if (mark) await new Promise((r) => setTimeout(r, 0)).then(() => console.log('crossgate:end ' + job.id));
    }));
  return out;
}`;

interface Servers {
  env: Omit<Env, 'base'>;
  outcomes: Map<string, BrowserOutcome>;
  jobs: Job[];
  /** Resolves with what the self-running page (`/run`) posts to `/results`. */
  posted: Promise<Record<string, JobResult>>;
  close(): void;
}

async function startServers(scenarios: Scenario[]): Promise<Servers> {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const outcomes = new Map<string, BrowserOutcome>();
  for (const s of scenarios) outcomes.set(s.id, { resolved: false, consoleMessages: [], received: [] });
  const env = { page: '', api: '' };
  const scenarioAt = (path: string | undefined) => byId.get(/^\/s\/([^/]+)\//.exec(path ?? '')?.[1] ?? '');
  /** Records what the API received for scenario `s` and answers it as the scenario says. */
  const answer = (s: Scenario, wire: WireRequest) => {
    outcomes.get(s.id)!.received.push(wire);
    return s.respond(wire, { ...env, base: `${env.api}/s/${s.id}` });
  };
  const api = http.createServer((req, res) => {
    const s = scenarioAt(req.url);
    if (!s) {
      res.writeHead(404).end();
      return;
    }
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
    const wire: WireRequest = {
      method: req.method ?? 'GET',
      url: env.api + req.url,
      headers,
      credentials: false,
    };
    const r = answer(s, wire);
    const out: Record<string, string[]> = {};
    for (const [k, v] of r.headers) {
      if (!out[k]) out[k] = [];
      out[k].push(v);
    }
    res.writeHead(r.status, out);
    res.end(r.status === 204 || r.status === 304 || req.method === 'HEAD' ? undefined : 'ok');
  });
  // Node's HTTP parser rejects methods it does not know in upper case (a page's `patch`) before the
  // request handler runs; answer those from the raw packet so the scenario's responder still decides.
  api.on('clientError', (err: Error & { rawPacket?: Uint8Array }, socket) => {
    const raw = err.rawPacket ? new TextDecoder('latin1').decode(err.rawPacket) : '';
    const [line, ...rest] = raw.split('\r\n');
    const [method, path] = (line ?? '').split(' ');
    const s = scenarioAt(path);
    if (!s || !method) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const headers: Array<[string, string]> = [];
    for (const l of rest) {
      const i = l.indexOf(':');
      if (i > 0) headers.push([l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()]);
    }
    const r = answer(s, { method, url: env.api + path, headers, credentials: false });
    let head = `HTTP/1.1 ${r.status} X\r\n`;
    for (const [k, v] of r.headers) head += `${k}: ${v}\r\n`;
    socket.end(`${head}content-length: 2\r\nconnection: close\r\n\r\nok`);
  });
  let jobs: Job[] = [];
  let post: (r: Record<string, JobResult>) => void = () => {};
  const posted = new Promise<Record<string, JobResult>>((r) => {
    post = r;
  });
  const page = http.createServer((req, res) => {
    if (req.url === '/jobs') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jobs));
      return;
    }
    if (req.url === '/results' && req.method === 'POST') {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => {
        text += d;
      });
      req.on('end', () => {
        res.writeHead(204).end();
        post(JSON.parse(text));
      });
      return;
    }
    // `/run` runs every job by itself and posts the results back (for a browser no driver controls).
    const script =
      req.url === '/run'
        ? `<script>fetch('/jobs').then((r) => r.json()).then((jobs) => (${RUNNER})({ jobs, batch: 1, mark: true })).then((out) => fetch('/results', { method: 'POST', body: JSON.stringify(out) }));</script>`
        : '';
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<!doctype html><title>crossgate</title>${script}`);
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  env.api = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  env.page = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;

  jobs = scenarios.map((s) => ({ id: s.id, url: scenarioUrl(s, env), init: toInit(s.call) }));
  return {
    env,
    outcomes,
    jobs,
    posted,
    close() {
      api.close();
      page.close();
      api.closeAllConnections();
      page.closeAllConnections();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ready` every 100 ms until it holds; fails after `ms` with `what` (a slow machine gets all of it). */
async function waitFor(ready: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} in ${ms / 1000} s`);
    await sleep(100);
  }
}

/** `p`, or a failure saying `what` after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} in ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The page's console lines once every fetch's are in. They arrive after the fetches settle (over CDP,
 * BiDi or Firefox's console service; Firefox's by another way than the fetch's result), so one more fetch
 * that fails the CORS check is sent last, and its line, naming `/settle/`, waited for: a console keeps
 * its lines in the order they were made. Then until no more arrive for 250 ms, for good measure.
 */
async function settledConsole(page: EnginePage, api: string): Promise<string[] | undefined> {
  if ((await page.consoleMessages()) === undefined) return undefined;
  await page.evaluate('async (u) => { await fetch(u).catch(() => undefined); }', `${api}/settle/x`);
  let lines: string[] = [];
  await waitFor(
    async () => {
      lines = (await page.consoleMessages()) ?? [];
      return lines.some((l) => l.includes('/settle/x'));
    },
    60_000,
    `${page.engine}: the console line of the last fetch did not arrive`,
  );
  for (let seen = -1; seen !== lines.length; ) {
    seen = lines.length;
    await sleep(250);
    lines = (await page.consoleMessages()) ?? [];
  }
  return lines;
}

function record(
  servers: Servers,
  scenarios: Scenario[],
  results: Record<string, JobResult>,
  messages: string[] | undefined,
) {
  for (const s of scenarios) {
    const o = servers.outcomes.get(s.id)!;
    const r = results[s.id];
    o.resolved = r.ok;
    if (r.exception !== undefined) o.exception = r.exception;
    if (r.status !== undefined) o.status = r.status;
    if (r.type !== undefined) o.type = r.type;
    if (r.names !== undefined) o.headerNames = r.names;
    const tag = `/s/${s.id}/`;
    o.consoleMessages = messages?.filter((m) => m.includes(tag));
  }
}

export interface EngineRun {
  engine: EngineName;
  version: string;
  env: Omit<Env, 'base'>;
  outcomes: Map<string, BrowserOutcome>;
}

/**
 * Runs every scenario in one page of the engine. WebKit's driver cannot see the console, so for WebKit
 * the scenarios run a second time in a plain MiniBrowser whose console is read; that run's verdicts must
 * equal the driver's (`consoleRunDisagrees` lists the scenarios where they do not).
 */
export async function runInEngine(
  engine: EngineName,
  scenarios: Scenario[],
  open: () => Promise<EnginePage> = () => ENGINES[engine].open(),
): Promise<EngineRun & { consoleRunDisagrees: string[] }> {
  // WebKit's console run needs nothing of the driver's: both run at once.
  const [run, webkitConsole] = await Promise.all([
    driverRun(engine, scenarios, open),
    engine === 'webkit' ? consoleRun(scenarios) : undefined,
  ]);
  const consoleRunDisagrees: string[] = [];
  if (webkitConsole) {
    // Port numbers differ between the two runs: name both runs' hosts alike in the messages (a host,
    // not an origin: a URL with a username and password has the host after them).
    const host = (origin: string) => origin.replace(/^http:\/\//, '');
    const portable = (m: string) =>
      m
        .replaceAll(host(webkitConsole.env.api), host(run.env.api))
        .replaceAll(host(webkitConsole.env.page), host(run.env.page));
    for (const s of scenarios) {
      const first = run.outcomes.get(s.id)!;
      const r = webkitConsole.results[s.id];
      if (r.ok !== first.resolved || r.exception !== first.exception) consoleRunDisagrees.push(s.id);
      first.consoleMessages = (webkitConsole.lines.get(s.id) ?? []).map(portable);
    }
  }
  return { ...run, consoleRunDisagrees };
}

/** Every scenario in one page opened with `open`, driven from here; the console as the driver sees it. */
async function driverRun(
  engine: EngineName,
  scenarios: Scenario[],
  open: () => Promise<EnginePage>,
): Promise<EngineRun> {
  const servers = await startServers(scenarios);
  try {
    return await withPage(open, async (page) => {
      await page.goto(`${servers.env.page}/`);
      const results = await page.evaluate<Record<string, JobResult>>(RUNNER, {
        jobs: servers.jobs,
        batch: 100,
        mark: false,
      });
      record(servers, scenarios, results, await settledConsole(page, servers.env.api));
      return { engine, version: page.version, env: servers.env, outcomes: servers.outcomes };
    });
  } finally {
    servers.close();
  }
}

/**
 * Every scenario in a plain MiniBrowser that runs them by itself, one at a time between console marks:
 * what each fetch gave the page, and the console lines printed for each.
 */
async function consoleRun(scenarios: Scenario[]): Promise<{
  env: Omit<Env, 'base'>;
  results: Record<string, JobResult>;
  lines: Map<string, string[]>;
}> {
  const servers = await startServers(scenarios);
  try {
    const mini = await openMiniBrowser(`${servers.env.page}/run`);
    try {
      const results = await within(
        Promise.race([servers.posted, mini.exited]),
        180_000,
        'webkit: MiniBrowser did not post its results',
      );
      // The page runs the fetches in order: once the last end mark is in, every line before it is.
      const last = `crossgate:end ${scenarios[scenarios.length - 1].id}`;
      await waitFor(
        () => mini.consoleMessages().some((l) => l.endsWith(last)),
        60_000,
        'webkit: MiniBrowser did not print its last console mark',
      );
      const lines = new Map<string, string[]>();
      let current: string[] | undefined;
      for (const line of mini.consoleMessages()) {
        const m = /^CONSOLE LOG crossgate:(begin|end) (\S+)$/.exec(line);
        if (m) current = m[1] === 'begin' ? [] : undefined;
        if (m?.[1] === 'begin') lines.set(m[2], current!);
        else if (!m && current) current.push(line);
      }
      return { env: servers.env, results, lines };
    } finally {
      await mini.close();
    }
  } finally {
    servers.close();
  }
}

/** Opens a page with `open`, runs `use` on it, and closes it whatever happens. */
export async function withPage<T>(
  open: () => Promise<EnginePage>,
  use: (page: EnginePage) => Promise<T>,
): Promise<T> {
  const page = await open();
  try {
    return await use(page);
  } finally {
    await page.close();
  }
}

/** One preflight-cache probe: the same PUT twice, `delayMs` apart, against a preflight answered with `maxAge`. */
export interface CacheProbe {
  id: string;
  /** The Access-Control-Max-Age value sent, or none. */
  maxAge?: string;
  delayMs: number;
  /** The API's host in the URL: `localhost` (default) or the IP literal `127.0.0.1`. */
  host?: 'localhost' | '127.0.0.1';
}

/**
 * Runs every probe at once in one page of `engine` and returns, per probe, how many preflights the API
 * received: 1 when the second PUT reused the cached preflight, 2 when it asked again.
 */
export async function runCacheProbes(engine: EngineName, probes: CacheProbe[]): Promise<Map<string, number>> {
  const byId = new Map(probes.map((p) => [p.id, p]));
  const servers = await startCacheServers('m', (id) => byId.get(id)?.maxAge);
  try {
    return await withPage(ENGINES[engine].open, async (tab) => {
      await tab.goto(`${servers.page}/`);
      await tab.evaluate(
        `async (jobs) => Promise.all(jobs.map(async (j) => {
          await fetch(j.url, { method: 'PUT' });
          await new Promise((r) => setTimeout(r, j.delayMs));
          await fetch(j.url, { method: 'PUT' });
        }))`,
        probes.map((p) => ({
          url: `http://${p.host ?? 'localhost'}:${servers.apiPort}/m/${p.id}/x`,
          delayMs: p.delayMs,
        })),
      );
      return new Map(probes.map((p) => [p.id, servers.preflights(p.id)]));
    });
  } finally {
    servers.close();
  }
}

/**
 * The two servers of a cache probe: a blank page, and an API that allows the page's PUTs and counts
 * the preflights it answers per path segment `/<prefix>/<id>/`, sending `maxAge(id)` as Max-Age.
 */
async function startCacheServers(prefix: string, maxAge: (id: string) => string | undefined) {
  const preflights = new Map<string, number>();
  let page = '';
  const api = http.createServer((req, res) => {
    req.resume();
    const id = new RegExp(`^/${prefix}/([^/]+)/`).exec(req.url ?? '')?.[1] ?? '';
    const headers: Record<string, string> = { 'access-control-allow-origin': page };
    if (req.method === 'OPTIONS') {
      preflights.set(id, (preflights.get(id) ?? 0) + 1);
      headers['access-control-allow-methods'] = 'PUT';
      const age = maxAge(id);
      if (age !== undefined) headers['access-control-max-age'] = age;
    }
    res.writeHead(200, headers).end();
  });
  const pageServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>crossgate</title>');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
  page = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  return {
    page,
    apiPort: (api.address() as AddressInfo).port,
    preflights: (id: string) => preflights.get(id) ?? 0,
    close() {
      api.closeAllConnections();
      pageServer.closeAllConnections();
      api.close();
      pageServer.close();
    },
  };
}

export const LIBFAKETIME = process.env.LIBFAKETIME ?? multiarchLib('faketime/libfaketime.so.1');

/**
 * Measures a preflight cache's cap without waiting for it: the engine runs with libfaketime preloaded
 * and reads its clock offset (wall and monotonic) from a file. A PUT is preflighted with
 * `Access-Control-Max-Age: 1000000`; then, for each offset in turn, the file moves the engine's clock
 * that far ahead and the same PUT is sent again. Returns, per offset, how many new preflights it took:
 * 0 while the cached preflight lives, 1 once the cap has passed.
 */
export async function runClockProbe(engine: EngineName, offsets: number[]): Promise<number[]> {
  const dir = makeTempDir('crossgate-clock-');
  const clock = path.join(dir, 'offset');
  writeFileSync(clock, '+0\n');
  const servers = await startCacheServers('clock', () => '1000000');
  // A host name, not 127.0.0.1: Firefox cannot be counted on to cache a preflight to an IP-literal host.
  const url = `http://localhost:${servers.apiPort}/clock/x/`;
  try {
    const env = {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: clock,
      // The file is read again at most once a second.
      FAKETIME_CACHE_DURATION: '1',
    };
    return await withPage(
      () => ENGINES[engine].open(env),
      async (tab) => {
        await tab.goto(`${servers.page}/`);
        const put = () => tab.evaluate(`async (u) => (await fetch(u, { method: 'PUT' })).status`, url);
        await put();
        const first = servers.preflights('x');
        if (first !== 1) throw new Error(`${engine}: expected one preflight first, saw ${first}`);
        const out: number[] = [];
        for (const offset of offsets) {
          // Written whole (a rename), so that no process reads it half-written.
          writeFileSync(`${clock}.new`, `+${offset}\n`);
          renameSync(`${clock}.new`, clock);
          // Every process of the engine (the network process holds the preflight cache) reads the file
          // again at its first clock read once its copy is a second old (real time): no page can show
          // when that has happened in another process, so wait the documented bound, and more.
          await sleep(2500);
          const before = servers.preflights('x');
          await put();
          out.push(servers.preflights('x') - before);
        }
        return out;
      },
    );
  } finally {
    servers.close();
    removeTempDir(dir);
  }
}
