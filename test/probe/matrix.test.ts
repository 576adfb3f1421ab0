// Probe's verdict is the browser model's verdict: every scenario of the browser suite's matrix (which
// test/browser/engines.test.ts proves against real Chromium, Firefox and WebKit) is served on a real socket and probed;
// verdict, failed step, error code, console message, the requests the server received and the
// readable headers must equal simulateFetch() on the same responder.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeaderList, simulateFetch, type WireRequest } from '../../src/browser/index.js';
import { probeFetch } from '../../src/probe/probe.js';
import type { Env } from '../browser/harness.js';
import { SCENARIOS } from '../browser/scenarios.js';

const PAGE = 'http://page.example:8080';
// Headers the socket adds that a scenario's responder does not: not part of the comparison.
const TRANSPORT = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

let api: http.Server;
let apiOrigin = '';
const byId = new Map(SCENARIOS.map((s) => [s.id, s]));
const received = new Map<string, string[]>();

beforeAll(async () => {
  api = http.createServer((req, res) => {
    const id = /^\/s\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '';
    const s = byId.get(id);
    const headers: HeaderList = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
    const wire: WireRequest = {
      method: req.method ?? '',
      url: `${apiOrigin}${req.url}`,
      headers,
      credentials: false,
    };
    received.set(id, [...(received.get(id) ?? []), wire.method]);
    req.resume();
    if (!s) {
      res.writeHead(404).end();
      return;
    }
    const answer = s.respond(wire, { page: PAGE, api: apiOrigin, base: `${apiOrigin}/s/${id}` });
    res.writeHead(answer.status, answer.headers.flat());
    res.end();
  });
  // Node's HTTP parser rejects a method it does not know in upper case (the page's `patch`) before the
  // handler runs; answer from the raw packet so the scenario's responder still decides.
  api.on('clientError', (err: Error & { rawPacket?: Uint8Array }, socket) => {
    const raw = err.rawPacket ? new TextDecoder('latin1').decode(err.rawPacket) : '';
    const [line, ...rest] = raw.split('\r\n');
    const [method, path] = (line ?? '').split(' ');
    const id = /^\/s\/([^/]+)\//.exec(path ?? '')?.[1] ?? '';
    const s = byId.get(id);
    if (!s || !method) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const headers: HeaderList = [];
    for (const l of rest) {
      const i = l.indexOf(':');
      if (i > 0) headers.push([l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()]);
    }
    received.set(id, [...(received.get(id) ?? []), method]);
    const answer = s.respond(
      { method, url: `${apiOrigin}${path}`, headers, credentials: false },
      { page: PAGE, api: apiOrigin, base: `${apiOrigin}/s/${id}` },
    );
    let head = `HTTP/1.1 ${answer.status} X\r\n`;
    for (const [k, v] of answer.headers) head += `${k}: ${v}\r\n`;
    socket.end(`${head}content-length: 0\r\nconnection: close\r\n\r\n`);
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiOrigin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => {
  api.closeAllConnections();
  api.close();
});

describe("probe's verdict equals the browser model's on the browser suite's matrix (Fetch §4.4, §4.8, §4.9, §3.2.4)", () => {
  // A scenario with its own URL (one that does not parse) has nothing to probe.
  const probed = SCENARIOS.filter((s) => !s.url);
  it.each(probed.map((s) => [`${s.id} ${s.group}: ${s.title}`, s] as const))('%s', async (_name, s) => {
    const env: Env = { page: PAGE, api: apiOrigin, base: `${apiOrigin}/s/${s.id}` };
    const call = { ...s.call, url: `${env.base}/x` };
    const model = simulateFetch(PAGE, call, (req) => s.respond(req, env));
    const r = await probeFetch(PAGE, call);
    const v = r.verdict!;
    expect(r.error).toBeUndefined();
    expect(v.allowed).toBe(model.allowed);
    expect(v.failedStep).toBe(model.failedStep);
    expect(v.errorCode).toBe(model.errorCode);
    expect(v.consoleMessage).toBe(model.consoleMessage);
    // The outcome is all three engines': blocked when any of them blocks (client hints: Chromium alone allows).
    const everywhere =
      model.engines.chromium.allowed && model.engines.firefox.allowed && model.engines.webkit.allowed;
    expect(r.exitCode).toBe(everywhere ? 0 : 1);
    // Chromium's requests, then Firefox and WebKit's where they plan the call otherwise (client hints).
    const chromium = model.engines.chromium.requests.map((x) => x.method);
    const standard = model.engines.firefox.requests.map((x) => x.method);
    const differ = model.engines.firefox.requests[0] !== model.engines.chromium.requests[0];
    const sent = differ ? [...chromium, ...standard] : chromium;
    expect(received.get(s.id) ?? []).toEqual(r.exchanges.map((x) => x.sent.method));
    if (!model.redirects) expect(r.exchanges.map((x) => x.sent.method)).toEqual(sent);
    expect(v.readableHeaders?.filter((n) => !TRANSPORT.has(n))).toEqual(model.readableHeaders);
  });
});
