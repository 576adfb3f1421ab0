/**
 * The inspector: a small web page, on its own port, that shows every request `crossgate serve`
 * answers the way the browser saw it. Live list over Server-Sent Events, a detail view per exchange
 * (headers that decided the verdict, the Lambda event and result, the explanation and the fix), and a
 * routes view with a "try it" form. No dependencies, no CDN: the page is embedded in ./page.ts.
 *
 * Cost: `onExchange` returns at once while no page is connected; otherwise it builds one summary
 * (the browser model's verdict) and writes one SSE frame per connected page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { DeployedApi, DeployedHttpApi } from '../sam/model.js';
import type { Exchange } from '../serve/server.js';
import type { TemplateModel } from '../template/model.js';
import { type FindingLike, fixFor } from './fix.js';
import { APP_CSS, APP_JS, INDEX_HTML } from './page.js';
import { PREDICTION_AGENT, parseTryCall, predict } from './predict.js';
import { detailOf, type Recorded, summarize } from './record.js';
import { routeViews } from './routes.js';
import { keyHint } from './secrets.js';

export type { ExchangeDetail, ExchangeSummary } from './record.js';

export interface InspectorOptions {
  /**
   * Default 127.0.0.1, whatever address the API itself is served on. Bound to every interface
   * (0.0.0.0, ::), the inspector still answers only Hosts that name this machine.
   */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the API is served (`http://127.0.0.1:3000`). */
  apiUrl: string;
  apis: DeployedApi[];
  /** The HTTP APIs served on the same address (their routes in the routes view). */
  httpApis?: DeployedHttpApi[];
  /** When given, the detail view also shows `crossgate check`'s findings for the route. */
  template?: { file: string; model: TemplateModel };
  /** The server serves paths under the stage name (`serve --stage-prefix`). */
  stagePrefix?: boolean;
  /** Keys the local gateway accepts, offered in the "try it" form. */
  apiKeys?: string[];
  /** How many exchanges to keep for pages that connect or reload (default 500). */
  capacity?: number;
  /**
   * Send API keys, Authorization, x-api-key and cookie values to the page as they are (`serve
   * --inspector-secrets`). Default: masked in everything the server sends (./secrets.ts).
   */
  showSecrets?: boolean;
}

export interface Inspector {
  url: string;
  port: number;
  /** Pass to `serve({ onExchange })`. Near-free while no inspector page is open. */
  onExchange(exchange: Exchange): void;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 15_000;
/** A page that stops reading is dropped rather than buffered without bound. */
const MAX_CLIENT_BACKLOG = 4 * 1024 * 1024;
const PAIR_WINDOW_MS = 30_000;

export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const host = options.host ?? '127.0.0.1';
  const capacity = Math.max(1, options.capacity ?? 500);
  const apiOrigin = new URL(options.apiUrl).origin;
  const clients = new Set<ServerResponse>();
  const ring: Array<Recorded | undefined> = new Array(capacity);
  let seq = 0;
  /** `origin \n path \n method` → the preflight waiting for its actual request. */
  const pending = new Map<string, { id: number; at: number }>();
  const timeOrigin = performance.timeOrigin;
  let heartbeat: NodeJS.Timeout | undefined;
  let findings: Promise<FindingLike[]> | undefined;
  let outbox = '';

  const routes = JSON.stringify(
    routeViews(options.apis, options.apiUrl, options.stagePrefix ?? false, options.httpApis),
  );
  const secrets = options.showSecrets ? 'shown' : 'masked';
  const keys = options.apiKeys ?? [];
  const info = JSON.stringify({
    apiUrl: options.apiUrl,
    // The try-it form offers the keys themselves only when secrets are shown; otherwise a hint per key.
    apiKeys: options.showSecrets ? keys : [],
    keyHints: keys.map(keyHint),
    secrets,
    capacity,
  });

  function onExchange(x: Exchange): void {
    if (clients.size === 0) return;
    record(x);
  }

  function record(x: Exchange): void {
    for (const [n, v] of x.request.headers)
      if (v === PREDICTION_AGENT && n.toLowerCase() === 'user-agent') return;
    const id = ++seq;
    const r = summarize(id, x, timeOrigin);
    const s = r.summary;
    if (s.origin !== undefined && s.step === 'preflight' && s.askedMethod) {
      if (pending.size > 1000) pending.clear();
      pending.set(`${s.origin}\n${s.path}\n${s.askedMethod}`, { id, at: s.time });
    } else if (s.origin !== undefined && s.step === 'actual') {
      const key = `${s.origin}\n${s.path}\n${s.method}`;
      const p = pending.get(key);
      if (p) {
        pending.delete(key);
        if (s.time - p.at <= PAIR_WINDOW_MS && ring[p.id % capacity]?.summary.id === p.id)
          s.preflightId = p.id;
      }
    }
    ring[id % capacity] = r;
    // Frames of one event-loop turn go out in one write per page (one syscall, not one per request).
    if (outbox === '') setImmediate(flush);
    outbox += `id: ${id}\nevent: exchange\ndata: ${JSON.stringify(s)}\n\n`;
  }

  function flush(): void {
    const frames = outbox;
    outbox = '';
    for (const c of clients) {
      if (c.writableLength > MAX_CLIENT_BACKLOG) {
        clients.delete(c);
        c.destroy();
      } else c.write(frames);
    }
  }

  function recordedAfter(lastId: number): Recorded[] {
    const out: Recorded[] = [];
    for (let id = Math.max(lastId + 1, seq - capacity + 1); id <= seq; id++) {
      const r = ring[id % capacity];
      if (r && r.summary.id === id) out.push(r);
    }
    return out;
  }

  function checkFindings(): Promise<FindingLike[]> {
    const template = options.template;
    if (!template) return Promise.resolve([]);
    findings ??= import('../check/run.js')
      .then(({ runCheck }) =>
        // Pages call the served API (the inspector exists for them): every API is judged, as --strict does.
        runCheck(
          template.model,
          {
            file: template.file,
            apis: options.apis,
            httpApis: options.httpApis ?? [],
            functionUrls: [],
            notes: [],
          },
          { strict: true },
        ),
      )
      .then((result) => result.findings as FindingLike[])
      .catch(() => []);
    return findings;
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const last = Number(req.headers['last-event-id'] ?? 0);
    let replay = 'retry: 1000\n\n';
    for (const r of recordedAfter(Number.isFinite(last) ? last : 0))
      replay += `id: ${r.summary.id}\nevent: exchange\ndata: ${JSON.stringify(r.summary)}\n\n`;
    res.write(replay);
    clients.add(res);
    heartbeat ??= setInterval(() => {
      for (const c of clients) c.write(': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
    res.on('close', () => {
      clients.delete(res);
      if (clients.size === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
    });
  }

  async function exchangeDetail(id: number, res: ServerResponse): Promise<void> {
    const r = ring[id % capacity];
    if (!r || r.summary.id !== id) return json(res, 404, { message: `exchange ${id} is no longer kept` });
    const all = await checkFindings();
    json(res, 200, { detail: detailOf(r, secrets), fix: fixFor(r, all) });
  }

  async function tryIt(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return json(res, 415, { message: 'send application/json' });
    let body: unknown;
    try {
      body = JSON.parse(await readText(req, 64 * 1024));
    } catch {
      return json(res, 400, { message: 'the body is not JSON' });
    }
    const call = parseTryCall((body as { call?: unknown } | null)?.call);
    if (typeof call === 'string') return json(res, 400, { message: call });
    let target: URL;
    try {
      target = new URL(call.url);
    } catch {
      return json(res, 400, { message: 'url: not a URL' });
    }
    // The inspector only ever calls the API it inspects.
    if (target.origin !== apiOrigin) return json(res, 400, { message: `url: must be on ${apiOrigin}` });
    const pageOrigin = String((body as { pageOrigin?: unknown }).pageOrigin ?? '');
    if (!/^https?:\/\/[^/]+$/.test(pageOrigin))
      return json(res, 400, { message: 'pageOrigin: expected an origin' });
    try {
      json(res, 200, await predict(pageOrigin, call));
    } catch (error) {
      json(res, 502, { message: `the API did not answer: ${(error as Error).message}` });
    }
  }

  let hostNames = new Set<string>();

  const server: Server = createServer((req, res) => {
    // A page on another site that reaches this port through DNS rebinding sends its own name as Host:
    // it gets nothing, on loopback or on every interface alike.
    if (!hostNames.has((req.headers.host ?? '').toLowerCase()))
      return json(res, 421, { message: 'unknown host' });
    // node:http keeps the first of several Hosts: the check above must not judge one of many (RFC 9112
    // §3.2: more than one Host is a 400).
    if (hostCount(req.rawHeaders) > 1) return json(res, 400, { message: 'more than one Host' });
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/') return asset(res, 'text/html; charset=utf-8', INDEX_HTML, apiOrigin);
      if (path === '/app.js') return asset(res, 'text/javascript; charset=utf-8', APP_JS, apiOrigin);
      if (path === '/app.css') return asset(res, 'text/css; charset=utf-8', APP_CSS, apiOrigin);
      if (path === '/events') return openEvents(req, res);
      if (path === '/api/routes') return raw(res, 200, routes);
      if (path === '/api/info') return raw(res, 200, info);
      const m = /^\/api\/exchanges\/(\d+)$/.exec(path);
      if (m) {
        void exchangeDetail(Number(m[1]), res);
        return;
      }
    } else if (req.method === 'POST' && path === '/api/try') {
      void tryIt(req, res);
      return;
    }
    json(res, 404, { message: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hostNames = allowedHosts(host, port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    onExchange,
    close: () =>
      new Promise<void>((resolve) => {
        if (heartbeat) clearInterval(heartbeat);
        for (const c of clients) c.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The Host values that name this inspector: loopback, the address it is bound to, and — bound to every
 * interface — this machine's own addresses and name. Never a name another site controls.
 */
function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const literal = (address: string) => (address.includes(':') ? `[${address.split('%')[0]}]` : address);
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(literal(a.address).toLowerCase());
    names.add(hostname().toLowerCase());
  } else names.add(literal(host).toLowerCase());
  return new Set([...names].map((n) => `${n}:${port}`));
}

function hostCount(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') n++;
  return n;
}

function asset(res: ServerResponse, type: string, body: string, apiOrigin: string): void {
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'self'; connect-src 'self' ${apiOrigin}; img-src 'self' data:; frame-ancestors 'none'`,
  });
  res.end(body);
}

function raw(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) return;
  raw(res, status, JSON.stringify(value));
}

function readText(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
