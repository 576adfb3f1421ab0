/**
 * "Try it": what crossgate predicts for a fetch() the inspector page sends. The browser model runs the
 * call against the real API over node:http (preflight first when the model says one is needed), so the
 * prediction and the browser's own attempt see the same gateway.
 */
import { request as httpRequest } from 'node:http';
import type { Engine, FetchCall, FetchVerdict, WireRequest, WireResponse } from '../browser/index.js';
import { ENGINES, simulateFetchAsync } from '../browser/index.js';

/** What the page posts: the fetch() it sent, field for field. */
export interface TryCall {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  /** The body as text (sent as a string, so `text/plain;charset=UTF-8` unless a Content-Type is set). */
  body: string | undefined;
  credentials: 'omit' | 'same-origin' | 'include';
}

export interface Prediction {
  allowed: boolean;
  failedStep: string | undefined;
  exception: string | undefined;
  consoleMessage: string | undefined;
  cause: string | undefined;
  errorCode: string | undefined;
  needsPreflight: boolean;
  /** The requests the model sent, with the status each got. */
  sent: Array<{ method: string; status: number }>;
  /** For an allowed call: the status script sees. */
  status: number | undefined;
  readableHeaders: string[] | undefined;
  /** Each engine's verdict, exception and console lines (the page compares the one it runs in). */
  engines: Record<Engine, { allowed: boolean; exception: string | undefined; consoleMessages: string[] }>;
}

/** Marks the model's own requests so the live list leaves them out. */
export const PREDICTION_AGENT = 'crossgate-inspector-prediction';

export function parseTryCall(value: unknown): TryCall | string {
  if (!value || typeof value !== 'object') return 'expected a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.url !== 'string') return 'url: expected a string';
  if (typeof v.method !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v.method))
    return 'method: expected an HTTP method';
  const headers: Array<[string, string]> = [];
  if (v.headers !== undefined) {
    if (!Array.isArray(v.headers)) return 'headers: expected [name, value] pairs';
    for (const h of v.headers) {
      if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string')
        return 'headers: expected [name, value] pairs';
      headers.push([h[0], h[1]]);
    }
  }
  if (v.body !== undefined && typeof v.body !== 'string') return 'body: expected a string';
  const credentials = v.credentials ?? 'same-origin';
  if (credentials !== 'omit' && credentials !== 'same-origin' && credentials !== 'include')
    return 'credentials: expected omit, same-origin or include';
  return { url: v.url, method: v.method, headers, body: v.body as string | undefined, credentials };
}

function send(req: WireRequest, body: string | undefined, timeoutMs: number): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url);
    // With headers given as a list node:http adds no Host; HTTP/1.1 requires one.
    const headers: Array<[string, string]> = [['host', url.host]];
    for (const h of req.headers) if (h[0] !== 'user-agent' && h[0] !== 'host') headers.push(h);
    headers.push(['user-agent', PREDICTION_AGENT]);
    const payload =
      req.method === 'OPTIONS' || req.method === 'GET' || req.method === 'HEAD' ? undefined : body;
    if (payload !== undefined) headers.push(['content-length', String(Buffer.byteLength(payload))]);
    const flat: string[] = [];
    for (const [n, v] of headers) flat.push(n, v);
    const r = httpRequest(url, { method: req.method, headers: flat, timeout: timeoutMs }, (res) => {
      const list: Array<[string, string]> = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2)
        list.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: list }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer from ${req.url} in ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(payload);
  });
}

export async function predict(pageOrigin: string, call: TryCall, timeoutMs = 10_000): Promise<Prediction> {
  const fetchCall: FetchCall = {
    url: call.url,
    method: call.method,
    headers: call.headers,
    body: call.body === undefined ? { type: 'none' } : { type: 'text' },
    credentials: call.credentials,
  };
  const sent: Prediction['sent'] = [];
  const verdict: FetchVerdict = await simulateFetchAsync(pageOrigin, fetchCall, async (req) => {
    const res = await send(req, call.body, timeoutMs);
    sent.push({ method: req.method, status: res.status });
    return res;
  });
  return {
    allowed: verdict.allowed,
    failedStep: verdict.failedStep,
    exception: verdict.exception,
    consoleMessage: verdict.consoleMessage,
    cause: verdict.cause,
    errorCode: verdict.errorCode,
    needsPreflight: verdict.plan.needsPreflight,
    sent,
    status: verdict.allowed ? verdict.actual?.response.status : undefined,
    readableHeaders: verdict.readableHeaders,
    engines: Object.fromEntries(
      ENGINES.map((e) => {
        const o = verdict.engines[e];
        return [e, { allowed: o.allowed, exception: o.exception, consoleMessages: o.consoleMessages }];
      }),
    ) as Prediction['engines'],
  };
}
