// `crossgate probe URL`: one fetch() as Chromium would make it, against a live URL. The browser model
// plans the requests and judges every answer (simulateFetchAsync); this file only puts the requests on
// a socket and keeps what went back and forth, so the verdict is exactly the model's.

import {
  type Check,
  type CredentialsMode,
  ENGINES,
  type Engine,
  type FetchCall,
  type FetchVerdict,
  type HeaderList,
  simulateFetchAsync,
  type WireRequest,
} from '../browser/index.js';
import { allowedNote, type GatewayCause, gatewayCause } from './cause.js';
import { type Agents, ConnectError, type ReceivedResponse, type SentRequest, send } from './http.js';

export interface ProbeOptions {
  url: string;
  /** The page's origin. */
  origin: string;
  /** Default GET, or POST when `bodyType` is given. */
  method?: string;
  /** Headers the page sets on fetch(). */
  headers?: HeaderList;
  /** Default `same-origin`, like fetch(). */
  credentials?: CredentialsMode;
  /** The page sends a body with this Content-Type. */
  bodyType?: string;
  /** The body sent with the actual request; default `{}` for JSON types, else empty. */
  body?: string;
  timeoutMs?: number;
  agents?: Agents;
  /** The engines whose verdicts decide the outcome (`--browser`); default all three. */
  engines?: Engine[];
}

export type ExchangeStep = 'preflight' | 'actual' | 'redirect';

/** One request on the wire and its answer, with the browser model's checks on that answer. */
export interface ProbeExchange {
  step: ExchangeStep;
  sent: SentRequest;
  /** Absent when the request got no answer. */
  response?: ReceivedResponse;
  /** The checks the model ran on this answer, in Chromium's order (empty when it needed none). */
  checks: Check[];
  ok: boolean;
}

export type ProbeOutcome = 'allowed' | 'blocked' | 'error';

export interface ProbeResult {
  outcome: ProbeOutcome;
  /** 0 allowed, 1 blocked, 2 could not connect. */
  exitCode: 0 | 1 | 2;
  /** The page's call as the model saw it. */
  call: FetchCall;
  origin: string;
  /** The browser model's verdict; absent when a request could not be sent. */
  verdict?: FetchVerdict;
  exchanges: ProbeExchange[];
  /** The likely cause in API Gateway terms, when blocked. */
  gateway?: GatewayCause;
  /** For an allowed fetch whose answer is an error status. */
  note?: string;
  /** Why the probe could not finish (exit 2). */
  error?: string;
  /** The engines whose verdicts decided the outcome. */
  engines?: Engine[];
}

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\b/i;

/** The fetch() call the page makes, from probe options. */
export function fetchCall(o: ProbeOptions): FetchCall {
  const call: FetchCall = { url: o.url, method: o.method ?? (o.bodyType !== undefined ? 'POST' : 'GET') };
  if (o.headers && o.headers.length > 0) call.headers = o.headers;
  if (o.credentials !== undefined) call.credentials = o.credentials;
  if (o.bodyType !== undefined) call.body = { type: 'text', contentType: o.bodyType };
  return call;
}

/** Probes one URL from one origin. Never throws for network failures: they come back as `outcome: 'error'`. */
export function probe(o: ProbeOptions): Promise<ProbeResult> {
  const body = o.body ?? (o.bodyType !== undefined && JSON_TYPE.test(o.bodyType) ? '{}' : '');
  return probeFetch(o.origin, fetchCall(o), {
    body,
    timeoutMs: o.timeoutMs,
    agents: o.agents,
    engines: o.engines,
  });
}

/** Probes any fetch() call (every FetchCall option: mode, header records, body kinds) from `origin`. */
export async function probeFetch(
  origin: string,
  call: FetchCall,
  options: { body?: string; timeoutMs?: number; agents?: Agents; engines?: Engine[] } = {},
): Promise<ProbeResult> {
  const o = { ...options, origin };
  const body = options.body ?? '';
  const wire: Array<{ sent: SentRequest; response?: ReceivedResponse; preflight: boolean }> = [];
  const respond = async (req: WireRequest) => {
    const preflight =
      req.method === 'OPTIONS' && req.headers.some(([n]) => n === 'access-control-request-method');
    const entry: (typeof wire)[number] = {
      sent: { method: req.method, url: req.url, headers: req.headers },
      preflight,
    };
    wire.push(entry);
    const { sent, response } = await send(req, {
      timeoutMs: o.timeoutMs,
      agents: o.agents,
      body: preflight ? undefined : body,
    });
    entry.sent = sent;
    entry.response = response;
    return response;
  };
  const result: ProbeResult = { outcome: 'error', exitCode: 2, call, origin: o.origin, exchanges: [] };
  try {
    result.verdict = await simulateFetchAsync(o.origin, call, respond);
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    result.error = error.message;
  }
  const v = result.verdict;
  for (const w of wire) {
    let step: ExchangeStep = w.preflight ? 'preflight' : 'actual';
    let judged: { checks: Check[]; ok: boolean } | undefined;
    if (v && w.response) {
      if (v.preflight?.response === w.response) judged = v.preflight.judgement;
      else if (v.actual?.response === w.response) judged = v.actual.judgement;
      else {
        const hop = v.redirects?.find((r) => r.response === w.response);
        if (hop) {
          judged = hop.judgement;
          step = 'redirect';
        }
      }
    }
    // An earlier hop's preflight that passed (the verdict keeps only the last one).
    const exchange: ProbeExchange = {
      step,
      sent: w.sent,
      checks: judged?.checks ?? [],
      ok: judged ? judged.ok : w.response !== undefined,
    };
    if (w.response) exchange.response = w.response;
    result.exchanges.push(exchange);
  }
  if (v && result.error === undefined) {
    // Allowed only when every engine asked about allows it.
    const engines = options.engines ?? ENGINES;
    result.engines = [...engines];
    const allowed = engines.every((e) => v.engines[e].allowed);
    result.outcome = allowed ? 'allowed' : 'blocked';
    result.exitCode = allowed ? 0 : 1;
    const cause = gatewayCause(v);
    if (cause) result.gateway = cause;
    const note = allowedNote(v);
    if (note) result.note = note;
  }
  return result;
}
