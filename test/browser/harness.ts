// Drives real Chromium against two loopback servers (the page's origin and the API's origin) and records,
// per scenario, what the page saw, what the API server received and what the console printed.

import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { FetchCall, WireRequest, WireResponse } from '../../src/browser/index.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/** Debian's Chromium, headless, as every browser test here runs it. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

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
}

export interface BrowserOutcome {
  resolved: boolean;
  exception?: string;
  status?: number;
  type?: string;
  headerNames?: string[];
  consoleMessages: string[];
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

export async function runInChromium(
  scenarios: Scenario[],
): Promise<{ env: Omit<Env, 'base'>; outcomes: Map<string, BrowserOutcome> }> {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const outcomes = new Map<string, BrowserOutcome>();
  for (const s of scenarios) outcomes.set(s.id, { resolved: false, consoleMessages: [], received: [] });
  const env = { page: '', api: '' };

  const api = http.createServer((req, res) => {
    const m = /^\/s\/([^/]+)\//.exec(req.url ?? '');
    const s = m ? byId.get(m[1]) : undefined;
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
    outcomes.get(s.id)!.received.push(wire);
    const r = s.respond(wire, { ...env, base: `${env.api}/s/${s.id}` });
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
    const m = /^\/s\/([^/]+)\//.exec(path ?? '');
    const s = m ? byId.get(m[1]) : undefined;
    if (!s || !method) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const headers: Array<[string, string]> = [];
    for (const l of rest) {
      const i = l.indexOf(':');
      if (i > 0) headers.push([l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()]);
    }
    const wire: WireRequest = { method, url: env.api + path, headers, credentials: false };
    outcomes.get(s.id)!.received.push(wire);
    const r = s.respond(wire, { ...env, base: `${env.api}/s/${s.id}` });
    let head = `HTTP/1.1 ${r.status} X\r\n`;
    for (const [k, v] of r.headers) head += `${k}: ${v}\r\n`;
    socket.end(`${head}content-length: 2\r\nconnection: close\r\n\r\nok`);
  });
  const page = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>crossgate</title>');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  env.api = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  env.page = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;

  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    const messages: string[] = [];
    tab.on('console', (m) => messages.push(m.text()));
    await tab.goto(`${env.page}/`);
    const jobs = scenarios.map((s) => ({ id: s.id, url: `${env.api}/s/${s.id}/x`, init: toInit(s.call) }));
    const results: Record<
      string,
      { ok: boolean; exception?: string; status?: number; type?: string; names?: string[] }
    > = {};
    for (let i = 0; i < jobs.length; i += 100) {
      Object.assign(
        results,
        await tab.evaluate(
          async (batch) => {
            const out: Record<string, unknown> = {};
            const makeBody = (b: { type: string; contentType?: string }) => {
              switch (b.type) {
                case 'text':
                  return 'hello';
                case 'json':
                  return JSON.stringify({ hello: 'world' });
                case 'urlencoded':
                  return new URLSearchParams('a=1');
                case 'form-data': {
                  const f = new FormData();
                  f.append('a', '1');
                  return f;
                }
                default:
                  return new Blob(['x'], { type: b.contentType ?? '' });
              }
            };
            await Promise.all(
              batch.map(async (job) => {
                const init = { ...job.init } as Record<string, unknown>;
                if (init.body) init.body = makeBody(init.body as { type: string; contentType?: string });
                try {
                  const res = await fetch(job.url, init as RequestInit);
                  await res.arrayBuffer().catch(() => undefined);
                  out[job.id] = {
                    ok: true,
                    status: res.status,
                    type: res.type,
                    names: [...res.headers.keys()],
                  };
                } catch (e) {
                  out[job.id] = { ok: false, exception: String(e) };
                }
              }),
            );
            return out;
          },
          jobs.slice(i, i + 100),
        ),
      );
    }
    // Console events travel over CDP after the promise settles: wait until they stop arriving.
    let seen = -1;
    while (seen !== messages.length) {
      seen = messages.length;
      await new Promise((r) => setTimeout(r, 150));
    }
    for (const s of scenarios) {
      const o = outcomes.get(s.id)!;
      const r = results[s.id];
      o.resolved = r.ok;
      if (r.exception !== undefined) o.exception = r.exception;
      if (r.status !== undefined) o.status = r.status;
      if (r.type !== undefined) o.type = r.type;
      if (r.names !== undefined) o.headerNames = r.names;
      const tag = `/s/${s.id}/`;
      o.consoleMessages = messages.filter((m) => m.includes(tag));
    }
  } finally {
    await browser.close();
    api.close();
    page.close();
  }
  return { env, outcomes };
}
