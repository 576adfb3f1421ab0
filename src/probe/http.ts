// One HTTP exchange on a real socket, with nothing added and nothing followed: the request goes out
// with exactly the headers given (plus Host, Content-Length and Connection, which Node always writes),
// and a 3xx comes back as a 3xx. The browser model decides what a redirect means; this file never does.

import http from 'node:http';
import https from 'node:https';
import type { HeaderList, WireRequest, WireResponse } from '../browser/index.js';
import { version } from '../index.js';

/** What went over the wire, for printing like `curl -v`. */
export interface SentRequest {
  method: string;
  url: string;
  /** As written, in order (Host first). */
  headers: HeaderList;
  body?: string;
}

export interface ReceivedResponse extends WireResponse {
  httpVersion: string;
  statusText: string;
  /** The first bytes of the body, as text (at most {@link BODY_PREVIEW_BYTES}). */
  body: string;
  bodyTruncated: boolean;
  /** Milliseconds from sending to the end of the body. */
  timeMs: number;
}

export const BODY_PREVIEW_BYTES = 2048;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const USER_AGENT = `crossgate/${version} probe`;

/** The request could not be sent or got no answer: DNS, refused, TLS, timeout, reset. Exit code 2. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    message: string,
    readonly url: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface SendOptions {
  timeoutMs?: number;
  /** Keep-alive agents, one per scheme, shared by the requests of one run. */
  agents?: Agents;
  /** Request body, for methods that carry one. */
  body?: string;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
  close(): void;
}

/** Keep-alive agents for a run of many requests (`--routes`, `--scan`); `close()` frees the sockets. */
export function createAgents(maxSockets: number): Agents {
  const a = new http.Agent({ keepAlive: true, maxSockets });
  const b = new https.Agent({ keepAlive: true, maxSockets });
  return {
    http: a,
    https: b,
    close() {
      a.destroy();
      b.destroy();
    },
  };
}

/** Sends one request and reads the response; never follows a redirect. Rejects with {@link ConnectError}. */
export function send(
  req: WireRequest,
  options: SendOptions = {},
): Promise<{ sent: SentRequest; response: ReceivedResponse }> {
  const url = new URL(req.url);
  const isHttps = url.protocol === 'https:';
  // A Map, then own properties: a --header named `constructor` or `__proto__` is an ordinary header.
  const merged = new Map<string, string>();
  const shown: HeaderList = [['Host', url.host]];
  for (const [name, value] of req.headers) {
    const key = name.toLowerCase();
    const before = merged.get(key);
    merged.set(key, before === undefined ? value : `${before}, ${value}`);
  }
  if (!merged.has('user-agent')) merged.set('user-agent', USER_AGENT);
  const body =
    options.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD' ? options.body : '';
  if (body !== '' || (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS'))
    merged.set('content-length', String(Buffer.byteLength(body)));
  for (const [k, v] of merged) shown.push([k, v]);
  const headers: Record<string, string> = Object.fromEntries(merged);
  const sent: SentRequest = { method: req.method, url: req.url, headers: shown };
  if (body !== '') sent.body = body;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new ConnectError(explain(error, req.url, timeoutMs), req.url, error.code));
    };
    const r = (isHttps ? https : http).request(
      url,
      {
        method: req.method,
        headers,
        agent: options.agents ? (isHttps ? options.agents.https : options.agents.http) : false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < BODY_PREVIEW_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const raw = res.rawHeaders;
          const list: HeaderList = [];
          for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i], raw[i + 1]]);
          const text = Buffer.concat(chunks).subarray(0, BODY_PREVIEW_BYTES).toString('utf8');
          resolve({
            sent,
            response: {
              status: res.statusCode ?? 0,
              headers: list,
              httpVersion: res.httpVersion,
              statusText: res.statusMessage ?? '',
              body: text,
              bodyTruncated: size > BODY_PREVIEW_BYTES,
              timeMs: Math.round(performance.now() - started),
            },
          });
        });
      },
    );
    const timer = setTimeout(() => {
      const e = new Error('timeout') as Error & { code?: string };
      e.code = 'CROSSGATE_TIMEOUT';
      fail(e);
      r.destroy();
    }, timeoutMs);
    // Node upper-cases every method; a page's `patch` goes out as `patch` (Fetch §2.2.1: only DELETE,
    // GET, HEAD, OPTIONS, POST and PUT are normalised). The request line is written on end(), after this.
    if (r.method !== req.method) r.method = req.method;
    r.on('error', fail);
    r.end(body === '' ? undefined : body);
  });
}

function explain(error: Error & { code?: string }, url: string, timeoutMs: number): string {
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  switch (error.code) {
    case 'CROSSGATE_TIMEOUT':
      return `no answer from ${host} within ${timeoutMs} ms (--timeout)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${host} (${error.code})`;
    case 'ECONNREFUSED':
      return `connection to ${host} refused (ECONNREFUSED)`;
    case 'ECONNRESET':
      return `${host} closed the connection (ECONNRESET)`;
    default:
      return `cannot reach ${host}: ${error.message}${error.code ? ` (${error.code})` : ''}`;
  }
}
