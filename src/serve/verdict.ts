/**
 * What a browser would make of one exchange the local gateway answered: for a request that came with
 * an `Origin`, rebuild the fetch() that sent it and let the browser model judge the answer. A
 * preflight is judged as a preflight; anything else as the actual response.
 */
import {
  type FetchCall,
  judgePreflight,
  judgeResponse,
  planFetch,
  type StepJudgement,
} from '../browser/index.js';
import type { GatewayRequest, GatewayResponse } from '../gateway/types.js';

export interface ExchangeVerdict {
  origin: string;
  step: 'preflight' | 'actual';
  /** The method the page asked for (for a preflight: Access-Control-Request-Method). */
  method: string;
  judgement: StepJudgement;
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

export function exchangeVerdict(
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
    return { origin, step: 'preflight', method: acrm, judgement: judgePreflight(plan, response) };
  }
  const headers: Array<[string, string]> = [];
  for (const [name, value] of req.headers)
    if (!SKIP_HEADERS.has(name.toLowerCase())) headers.push([name, value]);
  const call: FetchCall = { url, method: req.method, headers, credentials: cookie ? 'include' : 'omit' };
  const plan = safePlan(origin, call);
  if (!plan) return undefined;
  return { origin, step: 'actual', method: req.method, judgement: judgeResponse(plan, response) };
}

function safePlan(origin: string, call: FetchCall) {
  try {
    const plan = planFetch(origin, call);
    return plan.kind === 'rejected' ? undefined : plan;
  } catch {
    return undefined;
  }
}
