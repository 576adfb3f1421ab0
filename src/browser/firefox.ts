// What Firefox prints and throws for a blocked fetch(), in its own words: the texts are Firefox 153 ESR's
// string table (omni.ja chrome/en-US/locale/en-US/global/security/security.properties, the CORS* keys),
// filled in as nsCORSListenerProxy.cpp fills them, in the order it checks. Verified line for line by
// test/browser/engines.test.ts; test/browser/strings.test.ts checks that every text is printed for a scenario.

import { isRedirect, parseTokenList } from './cors-check.js';
import { isToken, lowerAscii, normalizeHeaderValue } from './request.js';
import type { FetchVerdict, HeaderList, WireRequest, WireResponse } from './types.js';

const BLOCKED =
  'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at';
/** security.properties, as `%1$S` (the URL) and `%2$S` fill them. */
const line = (url: string, reason: string) => `${BLOCKED} ${url}. (Reason: ${reason})`;
export const FIREFOX_EXCEPTION = 'TypeError: NetworkError when attempting to fetch resource.';

export const FIREFOX_TEXT = {
  /** CORSMissingAllowOrigin2 */
  missingAllowOrigin: (url: string, status: number) =>
    `${line(url, 'CORS header ‘Access-Control-Allow-Origin’ missing')}. Status code: ${status}.`,
  /** CORSMultipleAllowOriginNotAllowed */
  multipleAllowOrigin: (url: string) =>
    `${line(url, 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed')}.`,
  /** CORSAllowOriginNotMatchingOrigin */
  notMatchingOrigin: (url: string, value: string) =>
    `${line(url, `CORS header ‘Access-Control-Allow-Origin’ does not match ‘${value}’`)}.`,
  /** CORSNotSupportingCredentials: the only one that quotes the URL. */
  notSupportingCredentials: (url: string) =>
    `${BLOCKED} ‘${url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).`,
  /** CORSMissingAllowCredentials */
  missingAllowCredentials: (url: string) =>
    `${line(url, 'expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’')}.`,
  /** CORSPreflightDidNotSucceed3 */
  preflightDidNotSucceed: (url: string, status: number) =>
    `${line(url, 'CORS preflight response did not succeed')}. Status code: ${status}.`,
  /** CORSDidNotSucceed2, as logged for a request whose preflight or redirect failed (no status). */
  didNotSucceed: (url: string) => `${line(url, 'CORS request did not succeed')}. Status code: (null).`,
  /** CORSExternalRedirectNotAllowed */
  externalRedirect: (url: string) => `${line(url, 'CORS request external redirect not allowed')}.`,
  /** CORSInvalidAllowMethod */
  invalidAllowMethod: (url: string, token: string) =>
    `${line(url, `invalid token ‘${token}’ in CORS header ‘Access-Control-Allow-Methods’`)}.`,
  /** CORSMethodNotFound */
  methodNotFound: (url: string) =>
    `${line(url, 'Did not find method in CORS header ‘Access-Control-Allow-Methods’')}.`,
  /** CORSInvalidAllowHeader */
  invalidAllowHeader: (url: string, token: string) =>
    `${line(url, `invalid token ‘${token}’ in CORS header ‘Access-Control-Allow-Headers’`)}.`,
  /** CORSMissingAllowHeaderFromPreflight2 */
  missingAllowHeader: (url: string, name: string) =>
    `${line(url, `header ‘${name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response`)}.`,
  /** caps.properties CheckSameOriginError: a `mode: 'same-origin'` fetch to another origin. */
  sameOriginError: (page: string, url: string) =>
    `Security Error: Content at ${page} may not load data from ${url}.`,
  /**
   * CORSAllowHeaderFromPreflightDeprecation: the warning Firefox prints when `*` covers Authorization
   * (read from its console service over Marionette: WebDriver BiDi forwards only errors).
   */
  authorizationWildcardWarning: (url: string) =>
    `Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at ${url} soon. (Reason: When the \`Access-Control-Allow-Headers\` is \`*\`, the \`Authorization\` header is not covered. To include the \`Authorization\` header, it must be explicitly listed in CORS header \`Access-Control-Allow-Headers\`).`,
};

function headerValues(headers: HeaderList, lowerName: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) if (lowerAscii(n) === lowerName) out.push(normalizeHeaderValue(v));
  return out;
}

function requestOrigin(req: WireRequest): string {
  for (const [n, v] of req.headers) if (n === 'origin') return v;
  return 'null';
}

/** nsCORSListenerProxy::CheckRequestApproved: the CORS check on one response, or its console line. */
function corsCheckLine(url: string, res: WireResponse, origin: string, include: boolean): string | undefined {
  const acao = headerValues(res.headers, 'access-control-allow-origin');
  if (acao.length > 1) return FIREFOX_TEXT.multipleAllowOrigin(url);
  if (acao.length === 0) return FIREFOX_TEXT.missingAllowOrigin(url, res.status);
  if (include && acao[0] === '*') return FIREFOX_TEXT.notSupportingCredentials(url);
  if ((include || acao[0] !== '*') && acao[0] !== origin) return FIREFOX_TEXT.notMatchingOrigin(url, acao[0]);
  if (include && headerValues(res.headers, 'access-control-allow-credentials').join(', ') !== 'true')
    return FIREFOX_TEXT.missingAllowCredentials(url);
  return undefined;
}

/** nsCORSPreflightListener::CheckPreflightRequestApproved, after the CORS check. */
function preflightLines(v: FetchVerdict, req: WireRequest, res: WireResponse): string[] {
  const url = req.url;
  const include = v.plan.credentialsMode === 'include';
  const after = FIREFOX_TEXT.didNotSucceed(url);
  const h = { location: headerValues(res.headers, 'location')[0] };
  if (isRedirect(res, { names: [], location: h.location }) && h.location !== undefined)
    return [FIREFOX_TEXT.externalRedirect(url), FIREFOX_TEXT.preflightDidNotSucceed(url, res.status), after];
  const cors = corsCheckLine(url, res, requestOrigin(req), include);
  if (cors) return [cors, after];
  if (res.status < 200 || res.status > 299)
    return [FIREFOX_TEXT.preflightDidNotSucceed(url, res.status), after];
  const method = v.plan.method;
  let found = method === 'GET' || method === 'HEAD' || method === 'POST';
  for (const raw of headerValues(res.headers, 'access-control-allow-methods').join(',').split(',')) {
    const m = normalizeHeaderValue(raw);
    if (m === '') continue;
    if (!isToken(m)) return [FIREFOX_TEXT.invalidAllowMethod(url, m), after];
    if (m === '*' && !include) found = true;
    else if (m === method) found = true;
  }
  if (!found) return [FIREFOX_TEXT.methodNotFound(url), after];
  const allowed: string[] = [];
  let wildcard = false;
  for (const raw of headerValues(res.headers, 'access-control-allow-headers').join(',').split(',')) {
    const name = normalizeHeaderValue(raw);
    if (name === '') continue;
    if (!isToken(name)) return [FIREFOX_TEXT.invalidAllowHeader(url, name), after];
    if (name === '*' && !include) wildcard = true;
    else allowed.push(lowerAscii(name));
  }
  // Firefox walks Access-Control-Request-Headers, sorted and lower-case, and names the first one missing.
  for (const name of v.plan.unsafeHeaderNames) {
    if (wildcard) continue;
    if (!allowed.includes(name)) return [FIREFOX_TEXT.missingAllowHeader(url, name), after];
  }
  return [];
}

const FETCH = 'TypeError: Window.fetch: ';

/** What `fetch()` rejects with in Firefox, and whether the suites leave this failure unexercised. */
export function firefoxFailure(v: FetchVerdict): { exception?: string; unverified?: string } {
  if (v.allowed) return NO_FAILURE;
  const plan = v.plan;
  switch (v.errorCode) {
    case 'InvalidMethod':
    case 'ForbiddenMethod':
    case 'MethodUnsupportedInNoCors':
      return { exception: `${FETCH}Invalid request method ${plan.method}.` };
    case 'BodyWithGetOrHead':
      return { exception: `${FETCH}HEAD or GET Request cannot have a body.` };
    case 'InvalidUrl':
      return { exception: `${FETCH}${plan.url} is not a valid URL.` };
  }
  return BLOCKED_FAILURE;
}

const NO_FAILURE = Object.freeze({});
const BLOCKED_FAILURE = Object.freeze({ exception: FIREFOX_EXCEPTION });

/**
 * Firefox's console lines for a verdict computed with the Fetch-standard plan (no client-hint
 * safelisting); empty when allowed, or when the failure prints nothing.
 */
export function firefoxConsole(v: FetchVerdict): string[] {
  if (v.allowed) return [];
  const plan = v.plan;
  if (v.errorCode === 'DisallowedByMode')
    return [FIREFOX_TEXT.sameOriginError(`${plan.pageOrigin}/`, plan.url)];
  if (v.failedStep === 'preflight' && v.preflight)
    return preflightLines(v, v.preflight.request, v.preflight.response);
  // A 21st redirect, or one to a URL with credentials: no reason of its own, only that the request whose
  // answer was that redirect did not succeed (measured: "GET redirected 21 times", "GET 302 to a URL with
  // a username and password").
  if (v.errorCode === 'TooManyRedirects' || v.errorCode === 'RedirectContainsCredentials') {
    const last = v.redirects?.[v.redirects.length - 1];
    return last ? [FIREFOX_TEXT.didNotSucceed(last.request.url)] : [];
  }
  if (v.failedStep === 'actual' && v.actual) {
    const { request, response } = v.actual;
    const cors = corsCheckLine(
      request.url,
      response,
      requestOrigin(request),
      plan.credentialsMode === 'include',
    );
    if (!cors) return [];
    // A redirect that fails the check is refused in AsyncOnChannelRedirect; the request then fails too.
    return isRedirect(response, { names: [], location: headerValues(response.headers, 'location')[0] })
      ? [cors, FIREFOX_TEXT.didNotSucceed(request.url)]
      : [cors];
  }
  return [];
}

/** True when Firefox would print its Authorization-under-`*` deprecation warning for this preflight. */
export function firefoxWarnsWildcardAuthorization(v: FetchVerdict): boolean {
  const pf = v.preflight;
  if (!pf?.judgement.ok || v.plan.credentialsMode === 'include') return false;
  if (!v.plan.unsafeHeaderNames.includes('authorization')) return false;
  const list =
    parseTokenList(headerValues(pf.response.headers, 'access-control-allow-headers').join(','), true) ?? [];
  return list.includes('*') && !list.includes('authorization');
}
