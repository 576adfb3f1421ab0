/**
 * The inspector's server without a browser: nothing is recorded while nobody watches, a connected page
 * gets one SSE frame per exchange with the browser model's verdict, a preflight and its actual request
 * are paired, the detail marks the headers that decided the verdict, and "try it" only calls the API.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRequest, GatewayResponse } from '../../src/gateway/types.js';
import type { FixView } from '../../src/inspector/fix.js';
import { type Inspector, startInspector } from '../../src/inspector/index.js';
import {
  detailOf,
  type ExchangeDetail,
  type ExchangeSummary,
  summarize,
} from '../../src/inspector/record.js';
import type { Exchange } from '../../src/serve/server.js';

const PAGE = 'http://localhost:5173';

/** What GET /api/exchanges/:id answers. */
interface Shown {
  detail: ExchangeDetail;
  fix: FixView | undefined;
}

function exchange(
  method: string,
  path: string,
  reqHeaders: Array<[string, string]>,
  status: number,
  resHeaders: Array<[string, string]>,
  kind: 'mock' | 'proxy' | 'gateway-response' = 'mock',
): Exchange {
  const request: GatewayRequest = {
    method,
    path,
    query: '',
    headers: [['Host', '127.0.0.1:3000'], ...reqHeaders],
    body: undefined,
    sourceIp: '127.0.0.1',
    domainName: '127.0.0.1:3000',
  };
  const response: GatewayResponse = {
    status,
    headers: resHeaders,
    body: '{}',
    trace: { requestId: 'r-1', kind, reason: kind === 'gateway-response' ? 'missing API key' : undefined },
  };
  return { request, response, started: performance.now(), durationMs: 1.25 };
}

const preflight = (status: number, allowOrigin: string | undefined) =>
  exchange(
    'OPTIONS',
    '/items',
    [
      ['Origin', PAGE],
      ['Access-Control-Request-Method', 'GET'],
      ['Access-Control-Request-Headers', 'x-api-key'],
    ],
    status,
    allowOrigin === undefined
      ? [['Content-Type', 'application/json']]
      : [
          ['Access-Control-Allow-Origin', allowOrigin],
          ['Access-Control-Allow-Headers', 'Content-Type,X-Api-Key'],
          ['Access-Control-Allow-Methods', 'GET,OPTIONS'],
        ],
  );

/** Reads SSE frames from the inspector until `until` says stop. */
function readEvents(
  url: string,
  until: (events: ExchangeSummary[]) => boolean,
): { connected: Promise<void>; events: Promise<ExchangeSummary[]> } {
  let connected!: () => void;
  const open = new Promise<void>((r) => {
    connected = r;
  });
  const events = new Promise<ExchangeSummary[]>((resolve, reject) => {
    const events: ExchangeSummary[] = [];
    const req = http.get(`${url}/events`, (res) => {
      let buffer = '';
      // The server counts the page as connected before it writes the first frame (retry:).
      res.once('data', () => connected());
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as ExchangeSummary);
          end = buffer.indexOf('\n\n');
        }
        if (until(events)) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', (e) => {
      if (!(e as NodeJS.ErrnoException).code?.includes('ECONNRESET')) reject(e);
    });
  });
  return { connected: open, events };
}

describe('the inspector server', () => {
  let inspector: Inspector;
  beforeAll(async () => {
    inspector = await startInspector({ port: 0, apiUrl: 'http://127.0.0.1:3000', apis: [] });
  });
  afterAll(() => inspector.close());

  it('records nothing while no page is connected (onExchange returns at once)', async () => {
    inspector.onExchange(preflight(200, PAGE));
    const res = await fetch(`${inspector.url}/api/exchanges/1`);
    expect(res.status).toBe(404);
  });

  it('streams each exchange with its verdict, pairs the preflight with its request, and replays on reconnect', async () => {
    const stream = readEvents(inspector.url, (e) => e.length >= 3);
    await stream.connected;
    inspector.onExchange(preflight(200, PAGE));
    inspector.onExchange(
      exchange(
        'GET',
        '/items',
        [
          ['Origin', PAGE],
          ['x-api-key', 'k'],
        ],
        200,
        [['Access-Control-Allow-Origin', PAGE]],
        'proxy',
      ),
    );
    inspector.onExchange(preflight(403, PAGE));
    const [pre, actual, blocked] = await stream.events;
    expect(pre).toMatchObject({ step: 'preflight', askedMethod: 'GET', ok: true, origin: PAGE, status: 200 });
    expect(actual).toMatchObject({ step: 'actual', method: 'GET', ok: true, preflightId: pre.id });
    expect(blocked).toMatchObject({ step: 'preflight', ok: false, status: 403 });
    expect(blocked.summary).toMatch(/preflight/i);

    const detail = (await (await fetch(`${inspector.url}/api/exchanges/${blocked.id}`)).json()) as Shown;
    expect(detail.detail.judgement?.errorCode).toBe('PreflightInvalidStatus');
    // Every engine's verdict and console lines, each in its own words (test/browser/engines.test.ts).
    expect(detail.detail.judgement?.engines).toBe('blocked in all three');
    const lines = detail.detail.judgement?.engineMessages ?? [];
    expect(lines.map(([e]) => e)).toEqual(['Chromium', 'Firefox', 'Firefox', 'WebKit', 'WebKit']);
    expect(lines).toContainEqual(['WebKit', 'Preflight response is not successful. Status code: 403']);
    expect(detail.fix?.text).toMatch(/2xx|status/);
    const good = (await (await fetch(`${inspector.url}/api/exchanges/${pre.id}`)).json()) as Shown;
    const marked = good.detail.response.headers.filter((h) => h.mark === 'pass');
    expect(marked.map((h) => h.name)).toContain('Access-Control-Allow-Origin');
    expect(good.detail.request.headers.find((h) => h.name === 'Origin')?.mark).toBe('request');

    // A page that reconnects gets what it missed after Last-Event-ID.
    const replay = await new Promise<string>((resolve) => {
      const req = http.get(
        `${inspector.url}/events`,
        { headers: { 'last-event-id': String(pre.id) } },
        (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (c: string) => {
            text += c;
            if (text.includes(`id: ${blocked.id}\n`)) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', () => {});
    });
    expect(replay).not.toContain(`id: ${pre.id}\n`);
    expect(replay).toContain(`id: ${actual.id}\n`);
  });

  it('serves the page, its script and styles offline, with a CSP', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/app.js', 'text/javascript'],
      ['/app.css', 'text/css'],
    ]) {
      const res = await fetch(`${inspector.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]+\.[a-z]/i);
    }
  });

  it('refuses other Host headers (DNS rebinding) and "try it" calls to anything but the API', async () => {
    const wrongHost = await new Promise<number>((resolve) => {
      http.get(`${inspector.url}/api/routes`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
    });
    expect(wrongHost).toBe(421);
    const res = await fetch(`${inspector.url}/api/try`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pageOrigin: inspector.url,
        call: { url: 'http://169.254.169.254/latest', method: 'GET', headers: [], credentials: 'omit' },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('http://127.0.0.1:3000');
  });

  it('streams a burst in order, each request judged (no Access-Control-Allow-Origin: blocked)', async () => {
    const got = readEvents(inspector.url, (e) => e.some((x) => x.path === '/last'));
    await got.connected;
    for (let i = 0; i < 200; i++)
      inspector.onExchange(exchange('GET', `/n${i}`, [['Origin', PAGE]], 200, []));
    inspector.onExchange(exchange('GET', '/last', [['Origin', PAGE]], 200, []));
    const events = await got.events;
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(events.at(-1)?.ok).toBe(false);
  });
});

describe('what the inspector keeps of an exchange (issue 13: with a page open, 120 requests of 10 MB held serve at 2.7 GB; 500, the ring’s capacity, would have ended it)', () => {
  it('no body, and the event’s and result’s long strings cut; the detail still shows the first 8 KiB and how much more there was', () => {
    const big = new Uint8Array(10 * 1024 * 1024).fill(0x61);
    const x = exchange('POST', '/items', [], 200, [], 'proxy');
    x.request.body = big;
    x.response.body = 'b'.repeat(6 * 1024 * 1024);
    x.response.trace.event = { body: Buffer.from(big).toString('base64'), headers: { a: 'b' } };
    x.response.trace.result = { statusCode: 200, body: x.response.body };
    const r = summarize(1, x, 0);
    expect(r.exchange.request.body).toBeUndefined();
    expect(r.exchange.response.body).toBe('');
    const event = r.exchange.response.trace.event as { body: string; headers: unknown };
    expect(event.body).toHaveLength(8 * 1024 + 1);
    expect(event.headers).toEqual({ a: 'b' });
    expect((r.exchange.response.trace.result as { body: string }).body).toHaveLength(8 * 1024 + 1);
    const d = detailOf(r);
    expect(d.request.body).toBe(`${'a'.repeat(8192)}… (${10 * 1024 * 1024 - 8192} more bytes)`);
    expect(d.response.body).toBe(`${'b'.repeat(8192)}… (${6 * 1024 * 1024 - 8192} more characters)`);
    expect(d.response.status).toBe(200);
  });

  it('a HEAD request’s detail has no response body, as before', () => {
    const x = exchange('HEAD', '/items', [], 200, [], 'proxy');
    x.response.body = 'not sent';
    expect(detailOf(summarize(1, x, 0)).response.body).toBeUndefined();
  });
});
