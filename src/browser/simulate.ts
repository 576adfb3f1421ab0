// One whole fetch(): plan, preflight, actual request, redirects, verdict. Written once as a generator
// that yields the requests it sends, driven synchronously (simulateFetch, the hot path) or
// asynchronously (simulateFetchAsync, for real sockets).

import { judgeResponse } from './cors-check.js';
import { CHROMIUM_ONLY_SAFELISTED } from './engines.js';
import { corsReason } from './messages.js';
import { VerdictOutcomes } from './outcome.js';
import { judgePreflight } from './preflight.js';
import { planFetch } from './request.js';
import type {
  AsyncResponder,
  EngineOutcomes,
  FetchBody,
  FetchCall,
  FetchPlan,
  FetchVerdict,
  Responder,
  StepJudgement,
  WireRequest,
  WireResponse,
} from './types.js';
import { parseUrl } from './url.js';

/** The redirect limit of Fetch §4.4 step 5: 20 redirects are followed, the 21st fails, in all three engines (measured: scenarios "GET redirected 20 times" and "… 21 times"). */
export const MAX_REDIRECTS = 20;
const FAILED_TO_FETCH = 'TypeError: Failed to fetch';

function blocked(v: FetchVerdict, step: 'preflight' | 'actual', j: StepJudgement): FetchVerdict {
  v.allowed = false;
  v.failedStep = step;
  v.cause = j.cause;
  v.consoleMessage = j.consoleMessage;
  v.errorCode = j.errorCode;
  v.exception = FAILED_TO_FETCH;
  if (j.disallowedHeaders) v.disallowedHeaders = j.disallowedHeaders;
  return v;
}

function* run(
  pageOrigin: string,
  call: FetchCall,
  clientHints: boolean,
): Generator<WireRequest, FetchVerdict, WireResponse> {
  const first = planFetch(pageOrigin, call, clientHints);
  // Every field present from the start: one object shape for V8, whatever the outcome.
  const v: FetchVerdict = {
    allowed: false,
    engines: undefined as unknown as EngineOutcomes,
    plan: first,
    preflight: undefined,
    actual: undefined,
    redirects: undefined,
    failedStep: undefined,
    cause: undefined,
    consoleMessage: undefined,
    errorCode: undefined,
    exception: undefined,
    disallowedHeaders: undefined,
    readableHeaders: undefined,
    responseType: undefined,
    preflightCacheSeconds: undefined,
  };
  if (first.kind === 'rejected') {
    const e = first.requestError!;
    v.failedStep = 'request';
    v.errorCode = e.code;
    v.exception = e.exception;
    v.cause =
      e.code === 'DisallowedByMode'
        ? `The request's mode is 'same-origin' but ${first.urlOrigin} is not the page's origin ${first.pageOrigin}.`
        : `fetch() throws before sending anything: ${e.exception.replace(/^TypeError: (Failed to execute 'fetch' on 'Window': )?/, '')}`;
    if (e.consoleMessage !== undefined) v.consoleMessage = e.consoleMessage;
    return v;
  }
  const initialUrl = first.url;
  let plan = first;
  let origin = first.pageOrigin;
  let current: FetchCall = call;
  for (let hops = 0; ; hops++) {
    const ctx = { url: plan.url, initialUrl, origin };
    if (plan.preflight) {
      const request = plan.preflight;
      const response = yield request;
      const judgement = judgePreflight(plan, response, ctx);
      v.preflight = { request, response, judgement };
      if (!judgement.ok) return blocked(v, 'preflight', judgement);
      v.preflightCacheSeconds = judgement.preflightCacheSeconds;
    }
    const request = plan.actual!;
    const response = yield request;
    const judgement = judgeResponse(plan, response, ctx);
    if (!judgement.ok) {
      v.actual = { request, response, judgement };
      return blocked(v, 'actual', judgement);
    }
    if (judgement.redirectTo === undefined) {
      v.actual = { request, response, judgement };
      v.allowed = true;
      v.readableHeaders = judgement.readableHeaders;
      v.responseType = plan.kind === 'no-cors' ? 'opaque' : plan.kind === 'same-origin' ? 'basic' : 'cors';
      return v;
    }
    if (!v.redirects) v.redirects = [];
    v.redirects.push({ request, response, judgement });
    const target = parseUrl(judgement.redirectTo)!;
    if (hops + 1 > MAX_REDIRECTS) {
      v.failedStep = 'actual';
      v.errorCode = 'TooManyRedirects';
      v.exception = FAILED_TO_FETCH;
      v.cause = `The request was redirected more than ${MAX_REDIRECTS} times; a browser follows at most ${MAX_REDIRECTS} redirects.`;
      return v;
    }
    const currentOrigin = plan.urlOrigin;
    // Fetch §4.4 HTTP-redirect fetch step 8: a CORS request may not follow a redirect to a URL with credentials.
    if (plan.kind !== 'same-origin' && plan.mode === 'cors' && target.hasCredentials) {
      const reason = corsReason('RedirectContainsCredentials');
      v.failedStep = 'actual';
      v.errorCode = 'RedirectContainsCredentials';
      v.exception = FAILED_TO_FETCH;
      v.cause =
        'The redirect points at a URL with a username or password, which a CORS request may not follow.';
      v.consoleMessage = `Access to fetch at '${plan.url}' ${plan.url !== initialUrl ? `(redirected from '${initialUrl}') ` : ''}from origin '${origin}' has been blocked by CORS policy: ${reason}`;
      return v;
    }
    // Fetch §4.4 step 10: once a redirect crosses origins away from a cross-origin URL, the origin becomes "null".
    if (target.origin !== currentOrigin && origin !== currentOrigin && plan.mode === 'cors') origin = 'null';
    // Fetch §4.4 step 12: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET; the body goes.
    let method = plan.method;
    let body: FetchBody | undefined = current.body;
    let headers = current.headers;
    const s = response.status;
    if (
      ((s === 301 || s === 302) && method === 'POST') ||
      (s === 303 && method !== 'GET' && method !== 'HEAD')
    ) {
      method = 'GET';
      body = undefined;
      const list = Array.isArray(headers) ? headers : Object.entries(headers ?? {});
      headers = list.filter(([n]) => {
        const l = n.toLowerCase();
        return (
          l !== 'content-type' &&
          l !== 'content-encoding' &&
          l !== 'content-language' &&
          l !== 'content-location'
        );
      });
    }
    current = { ...current, url: target.href, method, body, headers };
    plan = planFetch(origin, current, clientHints);
  }
}

/** Whether Firefox and WebKit plan this call differently from Chromium (they do not safelist client hints). */
function usesChromiumOnlyHeaders(plan: FetchPlan): boolean {
  if (plan.kind === 'same-origin' || plan.kind === 'no-cors' || plan.kind === 'rejected') return false;
  for (const h of plan.headers) {
    if (!CHROMIUM_ONLY_SAFELISTED.has(h.name)) continue;
    if (h.fate === 'safelisted') return true;
    // Counted into Chromium's 1,024-byte total, which then made every safelisted header unsafe.
    if (h.fate === 'unsafe')
      for (const r of plan.reasons)
        if (r.kind === 'safelisted-total-over-1024' && r.names.includes(h.name)) return true;
  }
  return false;
}

/**
 * Fills `v.engines` from Chromium's verdict `v` and, when the engines plan the call differently, the
 * Fetch-standard verdict `standard` that Firefox and WebKit follow.
 */
function attachEngines(v: FetchVerdict, standard: FetchVerdict, call: FetchCall): FetchVerdict {
  v.engines = new VerdictOutcomes(v, standard, call);
  return v;
}

/** Simulates one fetch() against a synchronous responder, for all three engines. */
export function simulateFetch(pageOrigin: string, call: FetchCall, respond: Responder): FetchVerdict {
  const it = run(pageOrigin, call, true);
  let step = it.next();
  while (!step.done) step = it.next(respond(step.value));
  const v = step.value;
  if (!usesChromiumOnlyHeaders(v.plan)) return attachEngines(v, v, call);
  const other = run(pageOrigin, call, false);
  let s2 = other.next();
  while (!s2.done) s2 = other.next(respond(s2.value));
  return attachEngines(v, s2.value, call);
}

/**
 * Simulates one fetch() against an asynchronous responder (a socket, a local gateway), for all three
 * engines. Where Firefox and WebKit send other requests than Chromium (client hints), the responder is
 * asked again for theirs.
 */
export async function simulateFetchAsync(
  pageOrigin: string,
  call: FetchCall,
  respond: AsyncResponder,
): Promise<FetchVerdict> {
  const it = run(pageOrigin, call, true);
  let step = it.next();
  while (!step.done) step = it.next(await respond(step.value));
  const v = step.value;
  if (!usesChromiumOnlyHeaders(v.plan)) return attachEngines(v, v, call);
  const other = run(pageOrigin, call, false);
  let s2 = other.next();
  while (!s2.done) s2 = other.next(await respond(s2.value));
  return attachEngines(v, s2.value, call);
}

/**
 * Each engine's outcome for one step judged on its own (the serve log, the inspector): the `judgement`
 * Chromium's rules gave `response` to the plan's preflight or actual request. The engines agree on
 * every such verdict the suites cover; their console lines differ.
 */
export function stepEngineOutcomes(
  plan: FetchPlan,
  step: 'preflight' | 'actual',
  response: WireResponse,
  judgement: StepJudgement,
): EngineOutcomes {
  const request = (step === 'preflight' ? plan.preflight : plan.actual) ?? {
    method: plan.method,
    url: plan.url,
    headers: [['origin', plan.pageOrigin]],
    credentials: false,
  };
  const exchange = { request, response, judgement };
  const v: FetchVerdict = {
    allowed: judgement.ok,
    engines: undefined as unknown as EngineOutcomes,
    plan,
    preflight: step === 'preflight' ? exchange : undefined,
    actual: step === 'actual' ? exchange : undefined,
    redirects: undefined,
    failedStep: judgement.ok ? undefined : step,
    cause: judgement.cause,
    consoleMessage: judgement.consoleMessage,
    errorCode: judgement.errorCode,
    exception: judgement.ok ? undefined : FAILED_TO_FETCH,
    disallowedHeaders: judgement.disallowedHeaders,
    readableHeaders: judgement.readableHeaders,
    responseType: undefined,
    preflightCacheSeconds: judgement.preflightCacheSeconds,
  };
  return attachEngines(v, v, { url: plan.url }).engines;
}
