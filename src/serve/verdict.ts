/**
 * What a browser would make of one exchange the local gateway answered: for a request that came with
 * an `Origin`, rebuild the fetch() that sent it and let the browser model judge the answer. A
 * preflight is judged as a preflight; anything else as the actual response.
 */
import {
  type EngineOutcomes,
  type FetchCall,
  judgePreflight,
  judgeResponse,
  planFetch,
  type StepJudgement,
  stepEngineOutcomes,
} from '../browser/index.js';
import type { GatewayRequest, GatewayResponse } from '../gateway/types.js';

export interface ExchangeVerdict {
  origin: string;
  step: 'preflight' | 'actual';
  /** The method the page asked for (for a preflight: Access-Control-Request-Method). */
  method: string;
  judgement: StepJudgement;
  /** Each engine's outcome and console lines for this response. */
  engines: EngineOutcomes;
}

const SKIP_HEADERS = new Set([
  'origin',
  'host',
  'connection',
  'content-length',
  'user-agent',
  'accept-encoding',
  'referer',
  'cookie',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'accept-language',
  'priority',
  'pragma',
  'cache-control',
]);

/**
 * Verdicts of recent exchanges, by everything the judgement reads: a page (or a load test) repeats the
 * same few requests, and the log asks for a verdict on each.
 */
const recent = new Map<string, ExchangeVerdict | undefined>();
const RECENT_MAX = 512;

export function exchangeVerdict(
  req: GatewayRequest,
  res: GatewayResponse,
  apiOrigin: string,
): ExchangeVerdict | undefined {
  let origin: string | undefined;
  // Request headers the plan drops count by name only (a cookie's presence, not its value).
  let key = '';
  for (const [name, value] of req.headers) {
    const n = name.toLowerCase();
    if (n === 'origin') origin = value;
    key += SKIP_HEADERS.has(n) ? `${n}\n` : `${n}:${value}\n`;
  }
  if (origin === undefined || origin === apiOrigin) return undefined;
  key += `\0${origin}\0${apiOrigin}\0${req.method}\0${req.path}\0${req.query}\0${res.status}\0`;
  // Response headers: the CORS ones and Location by value, the others by name (which ones script may read).
  for (const [name, value] of res.headers) {
    const n = name.toLowerCase();
    key += n.startsWith('access-control-') || n === 'location' ? `${n}:${value}\n` : `${n}\n`;
  }
  if (recent.has(key)) return recent.get(key);
  const verdict = judgeExchange(req, res, apiOrigin);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, verdict);
  return verdict;
}

/** exchangeVerdict without the memory of recent ones. */
export function judgeExchange(
  req: GatewayRequest,
  res: GatewayResponse,
  apiOrigin: string,
): ExchangeVerdict | undefined {
  let origin: string | undefined;
  let acrm: string | undefined;
  let acrh: string | undefined;
  let cookie = false;
  for (const [name, value] of req.headers) {
    const n = name.toLowerCase();
    if (n === 'origin') origin = value;
    else if (n === 'access-control-request-method') acrm = value;
    else if (n === 'access-control-request-headers') acrh = value;
    else if (n === 'cookie' || n === 'authorization') cookie = cookie || n === 'cookie';
  }
  if (origin === undefined || origin === apiOrigin) return undefined;
  const url = `${apiOrigin}${req.path}${req.query ? `?${req.query}` : ''}`;
  const response = { status: res.status, headers: res.headers };
  if (req.method === 'OPTIONS' && acrm !== undefined) {
    const headers: Array<[string, string]> = [];
    for (const raw of (acrh ?? '').split(',')) {
      const name = raw.trim().toLowerCase();
      // A value that is never safelisted, so each listed header needs the preflight's permission.
      if (name) headers.push([name, name === 'content-type' ? 'application/json' : 'x'.repeat(129)]);
    }
    const call: FetchCall = { url, method: acrm, headers, credentials: 'omit' };
    const plan = safePlan(origin, call);
    if (!plan) return undefined;
    const judgement = judgePreflight(plan, response);
    const engines = stepEngineOutcomes(plan, 'preflight', response, judgement);
    return { origin, step: 'preflight', method: acrm, judgement, engines };
  }
  const headers: Array<[string, string]> = [];
  for (const [name, value] of req.headers)
    if (!SKIP_HEADERS.has(name.toLowerCase())) headers.push([name, value]);
  const call: FetchCall = { url, method: req.method, headers, credentials: cookie ? 'include' : 'omit' };
  const plan = safePlan(origin, call);
  if (!plan) return undefined;
  const judgement = judgeResponse(plan, response);
  const engines = stepEngineOutcomes(plan, 'actual', response, judgement);
  return { origin, step: 'actual', method: req.method, judgement, engines };
}

function safePlan(origin: string, call: FetchCall) {
  try {
    const plan = planFetch(origin, call);
    return plan.kind === 'rejected' ? undefined : plan;
  } catch {
    return undefined;
  }
}
