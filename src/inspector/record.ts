/**
 * What the inspector keeps of one exchange the gateway answered: a one-line summary for the live list
 * (sent over Server-Sent Events) and the detail shown when a row is selected. Built only while someone
 * watches; everything here is plain JSON.
 */
import { type Check, ENGINE_NAMES, ENGINES, engineSummary } from '../browser/index.js';
import type { HeaderList } from '../gateway/types.js';
import type { Exchange } from '../serve/server.js';
import { exchangeVerdict } from '../serve/verdict.js';
import { isSecretHeader, maskDeep, maskHeader } from './secrets.js';

/** One row of the live list. */
export interface ExchangeSummary {
  id: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /** The page origin (`Origin` header), when the request had one. */
  origin: string | undefined;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  /** How the gateway answered: its OPTIONS mock, the function, or one of its own gateway responses. */
  kind: 'mock' | 'proxy' | 'integration' | 'gateway-response';
  /** Absent when the request is not cross-origin (no Origin, or the API's own). */
  step: 'preflight' | 'actual' | undefined;
  /** For a preflight: the method the page asked for (Access-Control-Request-Method). */
  askedMethod: string | undefined;
  /** The browser model's verdict on this response; absent when `step` is. */
  ok: boolean | undefined;
  /** The preflight this actual request followed (same origin, path and method), when one did. */
  preflightId: number | undefined;
  /** One sentence: why the browser blocked it, or the gateway's reason. */
  summary: string | undefined;
}

export interface HeaderView {
  name: string;
  value: string;
  /** `fail`: named by a failing check; `pass`: named by a passing one; `request`: a CORS request header. */
  mark: 'fail' | 'pass' | 'request' | undefined;
}

export interface ExchangeDetail {
  summary: ExchangeSummary;
  request: { method: string; url: string; headers: HeaderView[]; body: string | undefined };
  response: { status: number; headers: HeaderView[]; body: string | undefined };
  gateway: {
    kind: string;
    responseType: string | undefined;
    resource: string | undefined;
    method: string | undefined;
    functionId: string | undefined;
    reason: string | undefined;
    apiKeyId: string | undefined;
    outcome: unknown;
    /** The Lambda proxy event the handler received (strings over 8 KB cut). */
    event: unknown;
    /** What the handler returned, raw. */
    result: unknown;
  };
  judgement:
    | {
        ok: boolean;
        checks: Check[];
        errorCode: string | undefined;
        cause: string | undefined;
        reason: string | undefined;
        consoleMessage: string | undefined;
        disallowedHeaders: string[] | undefined;
        /** "blocked in all three", or the engines that differ. */
        engines: string;
        /** Each engine's console lines, in its own words: [engine name, line]. */
        engineMessages: Array<[string, string]>;
      }
    | undefined;
}

/**
 * What the ring buffer holds per exchange: the summary, and what the detail is built from — the exchange
 * without its bodies, and with long strings of the Lambda event and result cut (see `kept`).
 */
export interface Recorded {
  summary: ExchangeSummary;
  exchange: Exchange;
  /** The bodies as the detail shows them (their first MAX_TEXT characters). */
  requestText: string | undefined;
  responseText: string | undefined;
  checks: Check[] | undefined;
  judgement: ReturnType<typeof exchangeVerdict>;
}

const CORS_REQUEST_HEADERS = new Set([
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
]);
const MAX_TEXT = 8 * 1024;

export function summarize(id: number, x: Exchange, timeOrigin: number): Recorded {
  const { request, response } = x;
  const verdict = exchangeVerdict(request, response, `http://${request.domainName}`);
  let origin: string | undefined;
  for (const [n, v] of request.headers)
    if (n.length === 6 && n.toLowerCase() === 'origin') {
      origin = v;
      break;
    }
  const j = verdict?.judgement;
  const summary: ExchangeSummary = {
    id,
    time: Math.round(timeOrigin + x.started),
    origin,
    method: request.method,
    path: request.path,
    query: request.query,
    status: response.status,
    durationMs: Math.round(x.durationMs * 10) / 10,
    kind: response.trace.kind,
    step: verdict?.step,
    askedMethod: verdict?.step === 'preflight' ? verdict.method : undefined,
    ok: j?.ok,
    preflightId: undefined,
    summary: j && !j.ok ? (j.cause ?? j.reason) : response.trace.reason,
  };
  return {
    summary,
    exchange: kept(x),
    requestText: text(request.body),
    responseText: text(request.method === 'HEAD' ? undefined : response.body),
    checks: j?.checks,
    judgement: verdict,
  };
}

/**
 * The exchange as the ring keeps it: no bodies, the event and result with long strings cut. The ring
 * holds `capacity` (500) exchanges; whole, with bodies of up to 10 MB and the event that carries the
 * body again, 120 requests of 10 MB with a page open held 2.7 GB, and 500 of them would end serve.
 */
function kept(x: Exchange): Exchange {
  const t = x.response.trace;
  return {
    ...x,
    request: { ...x.request, body: undefined },
    response: {
      ...x.response,
      body: '',
      trace: {
        ...t,
        event: trimmed(t.event),
        result: trimmed(t.result),
        outcome: trimmed(t.outcome) as typeof t.outcome,
      },
    },
  };
}

/**
 * A string of its own: a slice of a string keeps the whole of it alive in V8 (a sliced string points
 * into its parent), and the parent here is a body of megabytes.
 */
function own(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function headerViews(
  headers: HeaderList,
  checks: Check[] | undefined,
  isRequest: boolean,
  mask: boolean,
): HeaderView[] {
  const fail = new Set<string>();
  const pass = new Set<string>();
  for (const c of checks ?? []) for (const h of c.headers) (c.ok ? pass : fail).add(h.toLowerCase());
  return headers.map(([name, value]) => {
    const n = name.toLowerCase();
    let mark: HeaderView['mark'];
    if (isRequest) mark = CORS_REQUEST_HEADERS.has(n) ? 'request' : undefined;
    else mark = fail.has(n) ? 'fail' : pass.has(n) ? 'pass' : undefined;
    return { name, value: mask && isSecretHeader(n) ? maskHeader(n, value) : value, mark };
  });
}

/** A body's first MAX_TEXT characters (bytes, for a binary body), and how much more there was. */
function text(body: Uint8Array | string | undefined): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string')
    return body.length > MAX_TEXT
      ? `${own(body.slice(0, MAX_TEXT))}… (${body.length - MAX_TEXT} more characters)`
      : body;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return bytes.length > MAX_TEXT
    ? `${bytes.subarray(0, MAX_TEXT).toString('utf8')}… (${bytes.length - MAX_TEXT} more bytes)`
    : bytes.toString('utf8');
}

/** A JSON-safe copy with long strings cut, so one 10 MB body does not travel to the page. */
export function trimmed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${own(value.slice(0, MAX_TEXT))}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '…';
  if (Array.isArray(value)) return value.map((v) => trimmed(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = trimmed(v, depth + 1);
  return out;
}

/** `secrets: 'masked'` (the default) masks credentials everywhere in the detail (./secrets.ts). */
export function detailOf(r: Recorded, secrets: 'masked' | 'shown' = 'masked'): ExchangeDetail {
  const { request, response } = r.exchange;
  const t = response.trace;
  const j = r.judgement?.judgement;
  const mask = secrets === 'masked';
  const raw = (v: unknown) => (mask ? maskDeep(trimmed(v)) : trimmed(v));
  return {
    summary: r.summary,
    request: {
      method: request.method,
      url: `http://${request.domainName}${request.path}${request.query ? `?${request.query}` : ''}`,
      headers: headerViews(request.headers, undefined, true, mask),
      body: r.requestText,
    },
    response: {
      status: response.status,
      headers: headerViews(response.headers, r.checks, false, mask),
      body: r.responseText,
    },
    gateway: {
      kind: t.kind,
      responseType: t.responseType,
      resource: t.resource?.path,
      method: t.method?.method,
      functionId: t.functionId,
      reason: t.reason,
      apiKeyId: t.apiKeyId,
      outcome: raw(t.outcome),
      event: raw(t.event),
      result: raw(t.result),
    },
    judgement: j && {
      ok: j.ok,
      checks: j.checks,
      errorCode: j.errorCode,
      cause: j.cause,
      reason: j.reason,
      consoleMessage: j.consoleMessage,
      disallowedHeaders: j.disallowedHeaders,
      engines: engineSummary(r.judgement!.engines),
      engineMessages: ENGINES.flatMap((e) =>
        r.judgement!.engines[e].consoleMessages.map((m): [string, string] => [ENGINE_NAMES[e], m]),
      ),
    },
  };
}
