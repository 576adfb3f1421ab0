// What WebKit (Safari's engine) prints and throws for a blocked fetch(), in its own words: the texts of
// WebCore's CrossOriginAccessControl.cpp and CrossOriginPreflightResultCache.cpp and of the Fetch API
// loader, in the order WebCore checks, as WebKitGTK 2.50.6 prints them. Verified line for line by
// test/browser/engines.test.ts; test/browser/strings.test.ts checks that every text is printed for a scenario.

import { isRedirect, parseTokenList } from './cors-check.js';
import { lowerAscii, normalizeHeaderValue } from './request.js';
import type { FetchCall, FetchVerdict, HeaderList, WireRequest, WireResponse } from './types.js';
import { parseUrl } from './url.js';

export const WEBKIT_EXCEPTION = 'TypeError: Load failed';

export const WEBKIT_TEXT = {
  /** A `mode: 'same-origin'` fetch to another origin. */
  cannotLoad: (url: string) => `Fetch API cannot load ${url}.`,
  loadFailed: (url: string) => `Fetch API cannot load ${url} due to access control checks.`,
  preflightNotSuccessful: (status: number) => `Preflight response is not successful. Status code: ${status}`,
  wildcardWithCredentials:
    'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.',
  moreThanOneOrigin: 'Access-Control-Allow-Origin cannot contain more than one origin.',
  originNotAllowed: (origin: string, status: number) =>
    `Origin ${origin} is not allowed by Access-Control-Allow-Origin. Status code: ${status}`,
  credentialsNotTrue: 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
  invalidAllowList: (header: string, value: string) => `Header ${header} has an invalid value: ${value}`,
  methodNotAllowed: (method: string) => `Method ${method} is not allowed by Access-Control-Allow-Methods.`,
  headerNotAllowed: (name: string) =>
    `Request header field ${name} is not allowed by Access-Control-Allow-Headers.`,
  /** The network process's redirect limit (measured: "GET redirected 21 times"). */
  tooManyRedirects: 'Load cannot follow more than 20 redirections',
  redirectDenied: (target: string, why: string) =>
    `Cross-origin redirection to ${target} denied by Cross-Origin Resource Sharing policy: ${why}`,
};

/**
 * WebCore's HTTPHeaderNames.in: headers WebCore knows by name. It prints them in this spelling and keeps
 * them ahead of other headers in a request's header map; other headers keep the page's spelling.
 */
const COMMON_HEADERS = new Map(
  [
    'Accept',
    'Accept-Charset',
    'Accept-Language',
    'Accept-Encoding',
    'Authorization',
    'Cache-Control',
    'Content-Disposition',
    'Content-Encoding',
    'Content-Language',
    'Content-Type',
    'Content-Range',
    'If-Match',
    'If-Modified-Since',
    'If-None-Match',
    'If-Range',
    'If-Unmodified-Since',
    'Last-Event-ID',
    'Pragma',
    'Range',
    'Purpose',
    'User-Agent',
  ].map((n) => [n.toLowerCase(), n]),
);

function joined(headers: HeaderList, lowerName: string): string | undefined {
  let out: string | undefined;
  for (const [n, v] of headers)
    if (lowerAscii(n) === lowerName)
      out = out === undefined ? normalizeHeaderValue(v) : `${out}, ${normalizeHeaderValue(v)}`;
  return out;
}

/** `href` without its username and password, as WebKit names a redirect target it refuses for them. */
function withoutCredentials(href: string): string {
  const u = new URL(href);
  u.username = '';
  u.password = '';
  return u.href;
}

function requestOrigin(req: WireRequest): string {
  for (const [n, v] of req.headers) if (n === 'origin') return v;
  return 'null';
}

/** passesAccessControlCheck: `undefined` when the response passes. */
function accessControlCheck(res: WireResponse, origin: string, include: boolean): string | undefined {
  const acao = joined(res.headers, 'access-control-allow-origin') ?? '';
  if (acao === '*' && !include) return undefined;
  if (acao !== origin) {
    if (acao === '*') return WEBKIT_TEXT.wildcardWithCredentials;
    if (acao.includes(',')) return WEBKIT_TEXT.moreThanOneOrigin;
    return WEBKIT_TEXT.originNotAllowed(origin, res.status);
  }
  if (include && joined(res.headers, 'access-control-allow-credentials') !== 'true')
    return WEBKIT_TEXT.credentialsNotTrue;
  return undefined;
}

/** The page's own spelling of each header name, by lower-case name. */
function spellings(call: FetchCall | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const list = !call?.headers
    ? []
    : Array.isArray(call.headers)
      ? call.headers
      : Object.entries(call.headers);
  for (const [n] of list) if (!out.has(lowerAscii(n))) out.set(lowerAscii(n), n);
  return out;
}

/** validatePreflightResponse: status, CORS check, parse both lists, method, then headers in map order. */
function preflightLine(
  v: FetchVerdict,
  call: FetchCall | undefined,
  req: WireRequest,
  res: WireResponse,
): string {
  if (res.status < 200 || res.status > 299) return WEBKIT_TEXT.preflightNotSuccessful(res.status);
  const include = v.plan.credentialsMode === 'include';
  const cors = accessControlCheck(res, requestOrigin(req), include);
  if (cors) return cors;
  const rawMethods = joined(res.headers, 'access-control-allow-methods');
  const methods = parseTokenList(rawMethods, false);
  if (methods === null) return WEBKIT_TEXT.invalidAllowList('Access-Control-Allow-Methods', rawMethods ?? '');
  const rawHeaders = joined(res.headers, 'access-control-allow-headers');
  const names = parseTokenList(rawHeaders, true);
  if (names === null) return WEBKIT_TEXT.invalidAllowList('Access-Control-Allow-Headers', rawHeaders ?? '');
  const m = v.plan.method;
  if (
    !(
      methods.includes(m) ||
      (methods.includes('*') && !include) ||
      m === 'GET' ||
      m === 'HEAD' ||
      m === 'POST'
    )
  )
    return WEBKIT_TEXT.methodNotAllowed(m);
  const wildcard = names.includes('*') && !include;
  const spelled = spellings(call);
  // Known headers first, then the others, each group in the page's order.
  const unsafe = v.plan.headers.filter((h) => h.fate === 'unsafe');
  const ordered = [
    ...unsafe.filter((h) => COMMON_HEADERS.has(h.name)),
    ...unsafe.filter((h) => !COMMON_HEADERS.has(h.name)),
  ];
  for (const h of ordered)
    if (!wildcard && !names.includes(h.name))
      return WEBKIT_TEXT.headerNotAllowed(COMMON_HEADERS.get(h.name) ?? spelled.get(h.name) ?? h.name);
  return '';
}

const TYPE_ERROR = 'TypeError: ';

/** What `fetch()` rejects with in WebKit, and whether the suites leave this failure unexercised. */
export function webkitFailure(v: FetchVerdict): { exception?: string; unverified?: string } {
  if (v.allowed) return NO_FAILURE;
  switch (v.errorCode) {
    case 'InvalidMethod':
      return { exception: `${TYPE_ERROR}Method is not a valid HTTP token.` };
    case 'ForbiddenMethod':
      return { exception: `${TYPE_ERROR}Method is forbidden.` };
    case 'MethodUnsupportedInNoCors':
      return { exception: `${TYPE_ERROR}Method must be GET, POST or HEAD in no-cors mode.` };
    case 'BodyWithGetOrHead':
      return { exception: `${TYPE_ERROR}Request has method '${v.plan.method}' and cannot have a body` };
    case 'InvalidUrl':
      return { exception: `${TYPE_ERROR}URL is not valid or contains user credentials.` };
  }
  return BLOCKED_FAILURE;
}

const NO_FAILURE = Object.freeze({});
const BLOCKED_FAILURE = Object.freeze({ exception: WEBKIT_EXCEPTION });

/**
 * WebKit's console lines for a verdict computed with the Fetch-standard plan (no client-hint
 * safelisting); `call` gives the page's spelling of header names. Empty when allowed, or when the
 * failure prints nothing.
 */
export function webkitConsole(v: FetchVerdict, call?: FetchCall): string[] {
  if (v.allowed) return [];
  const plan = v.plan;
  if (v.errorCode === 'DisallowedByMode') return [WEBKIT_TEXT.cannotLoad(plan.url)];
  if (v.failedStep === 'preflight' && v.preflight)
    return [
      preflightLine(v, call, v.preflight.request, v.preflight.response),
      WEBKIT_TEXT.loadFailed(v.preflight.request.url),
    ];
  if (v.errorCode === 'TooManyRedirects' || v.errorCode === 'RedirectContainsCredentials') {
    const last = v.redirects?.[v.redirects.length - 1];
    if (!last) return [];
    const target = last.judgement.redirectTo === undefined ? null : parseUrl(last.judgement.redirectTo);
    const why =
      v.errorCode === 'TooManyRedirects' || !target
        ? WEBKIT_TEXT.tooManyRedirects
        : WEBKIT_TEXT.redirectDenied(
            withoutCredentials(target.href),
            `redirection URL ${target.href} has credentials`,
          );
    return [why, WEBKIT_TEXT.loadFailed(last.request.url)];
  }
  if (v.failedStep === 'actual' && v.actual) {
    const { request, response } = v.actual;
    const why = accessControlCheck(response, requestOrigin(request), plan.credentialsMode === 'include');
    if (!why) return [];
    const location = joined(response.headers, 'location');
    const target =
      location !== undefined && isRedirect(response, { names: [], location })
        ? parseUrl(location, request.url)
        : null;
    return [target ? WEBKIT_TEXT.redirectDenied(target.href, why) : why, WEBKIT_TEXT.loadFailed(request.url)];
  }
  return [];
}
