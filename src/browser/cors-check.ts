// The response side of CORS: the CORS check on `Access-Control-Allow-Origin` / `-Credentials`
// (Fetch §4.9), list parsing for `-Allow-Methods` / `-Allow-Headers` / `-Expose-Headers`, readable
// response headers (Fetch §2.2.6, §3.2.4), and the judgement of an actual (non-preflight) response.
// Chromium: services/network/public/cpp/cors/cors.cc (CheckAccessInternal), preflight_result.cc.

import { consoleMessage, corsReason } from './messages.js';
import { isToken, lowerAscii, normalizeHeaderValue } from './request.js';
import type {
  Check,
  CorsErrorCode,
  FetchPlan,
  FetchVerdict,
  HeaderList,
  StepJudgement,
  WireRequest,
  WireResponse,
} from './types.js';
import { parseUrl } from './url.js';

/** The CORS-relevant headers of one response, read in one pass. Repeated headers are joined by ", ". */
export interface CorsHeaders {
  allowOrigin?: string;
  allowCredentials?: string;
  allowMethods?: string;
  allowHeaders?: string;
  maxAge?: string;
  exposeHeaders?: string;
  location?: string;
  /** Every header name present, lower-case, in order of first appearance. */
  names: string[];
}

function join(prev: string | undefined, v: string): string {
  return prev === undefined ? v : `${prev}, ${v}`;
}

/** Reads a response's headers as Chromium's network stack does: names case-insensitive, values trimmed, repeats joined. */
export function readCorsHeaders(headers: HeaderList): CorsHeaders {
  const out: CorsHeaders = { names: [] };
  for (let i = 0; i < headers.length; i++) {
    const name = lowerAscii(headers[i][0]);
    const value = normalizeHeaderValue(headers[i][1]);
    if (!out.names.includes(name)) out.names.push(name);
    if (name.charCodeAt(0) === 0x61 /* a */ && name.startsWith('access-control-')) {
      switch (name) {
        case 'access-control-allow-origin':
          out.allowOrigin = join(out.allowOrigin, value);
          break;
        case 'access-control-allow-credentials':
          out.allowCredentials = join(out.allowCredentials, value);
          break;
        case 'access-control-allow-methods':
          out.allowMethods = join(out.allowMethods, value);
          break;
        case 'access-control-allow-headers':
          out.allowHeaders = join(out.allowHeaders, value);
          break;
        case 'access-control-max-age':
          out.maxAge = join(out.maxAge, value);
          break;
        case 'access-control-expose-headers':
          out.exposeHeaders = join(out.exposeHeaders, value);
          break;
      }
    } else if (name === 'location') out.location = join(out.location, value);
  }
  return out;
}

/**
 * Parses a comma-separated list of tokens as Chromium does (ParseAccessControlAllowList): empty items
 * are skipped, whitespace around items trimmed, and any item that is not a token makes the whole
 * header unparseable (`null`). `lower` lower-cases items (header names); methods keep their case.
 */
export function parseTokenList(value: string | undefined, lower: boolean): string[] | null {
  if (value === undefined) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && value.charCodeAt(i) !== 0x2c) continue;
    const item = normalizeHeaderValue(value.slice(start, i));
    start = i + 1;
    if (item === '') continue;
    if (!isToken(item)) return null;
    out.push(lower ? lowerAscii(item) : item);
  }
  return out;
}

export interface CorsCheckResult {
  ok: boolean;
  checks: Check[];
  errorCode?: CorsErrorCode;
  hint?: string;
  cause?: string;
}

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';
const CORS_CHECK_SOURCE = 'Fetch §4.9 CORS check';

/**
 * Fetch §4.9 CORS check, in Chromium's order and with Chromium's error classes. `origin` is the
 * serialised request origin (`null` after a cross-origin redirect). `include` is credentials mode
 * `include`. Error codes are the non-preflight ones; {@link toPreflightCode} maps them.
 */
export function corsCheck(h: CorsHeaders, origin: string, include: boolean): CorsCheckResult {
  const acao = h.allowOrigin;
  const fail = (code: CorsErrorCode, hint: string, detail: string, headers: string[]): CorsCheckResult => ({
    ok: false,
    checks: [
      {
        name: headers[0] === ACAC ? 'allow-credentials' : 'allow-origin',
        ok: false,
        headers,
        detail,
        source: CORS_CHECK_SOURCE,
      },
    ],
    errorCode: code,
    hint,
    cause: detail,
  });
  if (acao === '*') {
    if (include)
      return fail(
        'WildcardOriginNotAllowed',
        '',
        "Access-Control-Allow-Origin is '*', which never matches a request made with credentials: 'include'; it must echo the page's origin.",
        [ACAO],
      );
    return {
      ok: true,
      checks: [
        {
          name: 'allow-origin',
          ok: true,
          headers: [ACAO],
          detail:
            "Access-Control-Allow-Origin is '*', which any origin matches when no credentials are sent.",
          source: CORS_CHECK_SOURCE,
        },
      ],
    };
  }
  if (acao === undefined)
    return fail('MissingAllowOriginHeader', '', 'The response has no Access-Control-Allow-Origin header.', [
      ACAO,
    ]);
  if (acao !== origin) {
    if (acao.includes(' ') || acao.includes(','))
      return fail(
        'MultipleAllowOriginValues',
        acao,
        `Access-Control-Allow-Origin is '${acao}': several values (or several headers), but exactly one origin is allowed.`,
        [ACAO],
      );
    if (acao !== 'null' && parseUrl(acao) === null)
      return fail(
        'InvalidAllowOriginValue',
        acao,
        `Access-Control-Allow-Origin is '${acao}', which is not an origin.`,
        [ACAO],
      );
    return fail(
      'AllowOriginMismatch',
      acao,
      `Access-Control-Allow-Origin is '${acao}', but the page's origin is '${origin}' (compared as exact strings).`,
      [ACAO],
    );
  }
  const originCheck: Check = {
    name: 'allow-origin',
    ok: true,
    headers: [ACAO],
    detail: `Access-Control-Allow-Origin echoes the page's origin '${origin}'.`,
    source: CORS_CHECK_SOURCE,
  };
  if (!include) return { ok: true, checks: [originCheck] };
  const acac = h.allowCredentials;
  if (acac !== 'true') {
    const r = fail(
      'InvalidAllowCredentials',
      acac ?? '',
      acac === undefined
        ? "The request is made with credentials: 'include' but the response has no Access-Control-Allow-Credentials: true."
        : `Access-Control-Allow-Credentials is '${acac}'; with credentials: 'include' it must be exactly 'true' (lower-case).`,
      [ACAC],
    );
    r.checks.unshift(originCheck);
    return r;
  }
  return {
    ok: true,
    checks: [
      originCheck,
      {
        name: 'allow-credentials',
        ok: true,
        headers: [ACAC],
        detail: 'Access-Control-Allow-Credentials is true.',
        source: CORS_CHECK_SOURCE,
      },
    ],
  };
}

const PREFLIGHT_CODES: Partial<Record<CorsErrorCode, CorsErrorCode>> = {
  WildcardOriginNotAllowed: 'PreflightWildcardOriginNotAllowed',
  MissingAllowOriginHeader: 'PreflightMissingAllowOriginHeader',
  MultipleAllowOriginValues: 'PreflightMultipleAllowOriginValues',
  InvalidAllowOriginValue: 'PreflightInvalidAllowOriginValue',
  AllowOriginMismatch: 'PreflightAllowOriginMismatch',
  InvalidAllowCredentials: 'PreflightInvalidAllowCredentials',
};

export function toPreflightCode(code: CorsErrorCode): CorsErrorCode {
  return PREFLIGHT_CODES[code] ?? code;
}

/** Fetch §2.2.6 CORS-safelisted response-header names. */
const SAFELISTED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);
/** Fetch §2.2.6 forbidden response-header names: never readable by script. */
const FORBIDDEN_RESPONSE_HEADERS = new Set(['set-cookie', 'set-cookie2']);

/**
 * Fetch §3.2.4 / §4.1 step 14: the response header names script can read from a CORS response, sorted.
 * `*` in Access-Control-Expose-Headers exposes every header only when credentials mode is not `include`;
 * an unparseable Expose-Headers value exposes nothing beyond the safelist (Chromium).
 */
export function readableHeaderNames(h: CorsHeaders, include: boolean): string[] {
  const exposed = parseTokenList(h.exposeHeaders, true) ?? [];
  const all = !include && exposed.includes('*');
  const out: string[] = [];
  for (const name of h.names) {
    if (FORBIDDEN_RESPONSE_HEADERS.has(name)) continue;
    if (all || SAFELISTED_RESPONSE_HEADERS.has(name) || exposed.includes(name)) out.push(name);
  }
  return out.sort();
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Fetch §2.2.3 redirect status with a `Location` header, or a responder that already followed one. */
export function isRedirect(res: WireResponse, h: CorsHeaders): boolean {
  return res.redirected === true || (REDIRECT_STATUSES.has(res.status) && h.location !== undefined);
}

/** Context for judging a response that is not to the plan's own URL (after redirects). */
export interface ResponseContext {
  /** URL of this response. */
  url: string;
  /** The first URL of the redirect chain. */
  initialUrl: string;
  /** The request's origin: the page origin, or `null` once a redirect crossed origins. */
  origin: string;
}

/**
 * Judges an actual (non-preflight) response: the CORS check for CORS requests, the headers script can
 * read, and where a redirect leads.
 */
export function judgeResponse(plan: FetchPlan, res: WireResponse, context?: ResponseContext): StepJudgement {
  const ctx = context ?? { url: plan.url, initialUrl: plan.url, origin: plan.pageOrigin };
  const h = readCorsHeaders(res.headers);
  const include = plan.credentialsMode === 'include';
  const redirect = isRedirect(res, h) && h.location !== undefined;
  let redirectTo: string | undefined;
  if (redirect) {
    const target = parseUrl(h.location!, ctx.url);
    redirectTo = target ? target.href : undefined;
  }
  if (plan.kind === 'same-origin' || plan.kind === 'no-cors') {
    const j: StepJudgement = {
      ok: true,
      checks: [],
      readableHeaders:
        plan.kind === 'no-cors' ? [] : h.names.filter((n) => !FORBIDDEN_RESPONSE_HEADERS.has(n)).sort(),
    };
    if (redirectTo !== undefined) j.redirectTo = redirectTo;
    return j;
  }
  const r = corsCheck(h, ctx.origin, include);
  if (!r.ok) {
    const reason = corsReason(r.errorCode!, r.hint);
    return {
      ok: false,
      checks: r.checks,
      errorCode: r.errorCode,
      cause: r.cause,
      reason,
      consoleMessage: consoleMessage(ctx.url, ctx.initialUrl, ctx.origin, reason),
    };
  }
  const j: StepJudgement = { ok: true, checks: r.checks };
  if (redirect) {
    if (redirectTo !== undefined) j.redirectTo = redirectTo;
  } else j.readableHeaders = readableHeaderNames(h, include);
  return j;
}

/** The requests a verdict's browser sent, in order: the preflight, redirect hops, the actual request. */
export function sentRequests(v: FetchVerdict): WireRequest[] {
  const out: WireRequest[] = [];
  if (v.preflight) out.push(v.preflight.request);
  if (v.redirects) for (const r of v.redirects) out.push(r.request);
  if (v.actual) out.push(v.actual.request);
  return out;
}
