// Judging a preflight response (Fetch §4.8 CORS-preflight fetch, steps 6–8) in Chromium's order:
// redirect, CORS check, ok status, parse Allow-Methods, parse Allow-Headers, method, headers; and the
// preflight cache lifetime (Fetch §4.8 step 7.7, Chromium preflight_result.cc).

import { corsCheck, isRedirect, parseTokenList, readCorsHeaders, toPreflightCode } from './cors-check.js';
import { enginePreflightCacheSeconds } from './engines.js';
import { consoleMessage, corsReason } from './messages.js';
import type { Check, CorsErrorCode, FetchPlan, StepJudgement, WireResponse } from './types.js';

/**
 * Seconds Chromium caches a successful preflight: the header's integer value, with an optional sign (a
 * negative one means 0, i.e. not cached), capped at 7,200 s (preflight_result.cc kMaxCacheTimeout;
 * measured in engines.test.ts); absent or not an integer → 5 s. The Fetch standard sets no cap (a user
 * agent may impose one). Every engine: enginePreflightCacheSeconds().
 */
export function preflightCacheSeconds(maxAge: string | undefined): number {
  return enginePreflightCacheSeconds('chromium', maxAge);
}

const SRC_PREFLIGHT = 'Fetch §4.8 CORS-preflight fetch';

/**
 * Judges the response to the plan's preflight. `context` gives the URL and origin when the preflight
 * follows a redirect of the actual request (the console message then names both URLs).
 */
export function judgePreflight(
  plan: FetchPlan,
  res: WireResponse,
  context?: { url: string; initialUrl: string; origin: string },
): StepJudgement {
  const ctx = context ?? { url: plan.url, initialUrl: plan.url, origin: plan.pageOrigin };
  const h = readCorsHeaders(res.headers);
  const include = plan.credentialsMode === 'include';
  const checks: Check[] = [];
  let errorCode: CorsErrorCode | undefined;
  let hint = '';
  let cause: string | undefined;
  const failed = (code: CorsErrorCode, why: string, h2 = '') => {
    if (errorCode === undefined) {
      errorCode = code;
      hint = h2;
      cause = why;
    }
  };

  // Chromium's PreflightController refuses any redirect before looking at headers.
  const redirected = isRedirect(res, h);
  checks.push({
    name: 'no-redirect',
    ok: !redirected,
    headers: redirected && h.location !== undefined ? ['location'] : [],
    detail: redirected
      ? `The preflight was answered with a redirect (${res.status}); a preflight must be answered directly.`
      : 'The preflight was not redirected.',
    source: `${SRC_PREFLIGHT}; Chromium PreflightController`,
  });
  if (redirected) failed('PreflightDisallowedRedirect', checks[0].detail);

  const cors = corsCheck(h, ctx.origin, include);
  for (const c of cors.checks) checks.push(c);
  if (!cors.ok)
    failed(
      toPreflightCode(cors.errorCode!),
      `The preflight response fails the CORS check: ${cors.cause}`,
      cors.hint,
    );

  const okStatus = res.status >= 200 && res.status <= 299;
  checks.push({
    name: 'ok-status',
    ok: okStatus,
    headers: [],
    detail: okStatus
      ? `Status ${res.status} is an ok status.`
      : `The preflight got status ${res.status}; it needs an ok status (200–299).`,
    source: `${SRC_PREFLIGHT} step 7; Fetch §2.2.3 ok status`,
  });
  if (!okStatus) failed('PreflightInvalidStatus', checks[checks.length - 1].detail);

  const methods = parseTokenList(h.allowMethods, false);
  checks.push({
    name: 'allow-methods-parse',
    ok: methods !== null,
    headers: h.allowMethods === undefined ? [] : ['access-control-allow-methods'],
    detail:
      methods === null
        ? `Access-Control-Allow-Methods '${h.allowMethods}' is not a comma-separated list of method names.`
        : h.allowMethods === undefined
          ? 'No Access-Control-Allow-Methods: only GET, HEAD and POST are allowed.'
          : `Access-Control-Allow-Methods lists ${methods.join(', ') || 'nothing'}.`,
    source: `${SRC_PREFLIGHT} step 7.1`,
  });
  if (methods === null) failed('InvalidAllowMethodsPreflightResponse', checks[checks.length - 1].detail);

  const headerNames = parseTokenList(h.allowHeaders, true);
  checks.push({
    name: 'allow-headers-parse',
    ok: headerNames !== null,
    headers: h.allowHeaders === undefined ? [] : ['access-control-allow-headers'],
    detail:
      headerNames === null
        ? `Access-Control-Allow-Headers '${h.allowHeaders}' is not a comma-separated list of header names.`
        : h.allowHeaders === undefined
          ? 'No Access-Control-Allow-Headers: only safelisted request headers are allowed.'
          : `Access-Control-Allow-Headers lists ${headerNames.join(', ') || 'nothing'}.`,
    source: `${SRC_PREFLIGHT} step 7.3`,
  });
  if (headerNames === null) failed('InvalidAllowHeadersPreflightResponse', checks[checks.length - 1].detail);

  // Method: listed exactly (case-sensitive), or safelisted, or `*` without credentials.
  const m = plan.method;
  if (methods !== null) {
    const wildcard = methods.includes('*');
    const allowed =
      methods.includes(m) || m === 'GET' || m === 'HEAD' || m === 'POST' || (!include && wildcard);
    const caseTrap = !allowed && methods.some((x) => x.toUpperCase() === m.toUpperCase());
    checks.push({
      name: 'method-allowed',
      ok: allowed,
      headers: ['access-control-allow-methods'],
      detail: allowed
        ? methods.includes(m)
          ? `${m} is listed in Access-Control-Allow-Methods.`
          : m === 'GET' || m === 'HEAD' || m === 'POST'
            ? `${m} is a safelisted method and needs no listing.`
            : `Access-Control-Allow-Methods is '*', which covers ${m} without credentials.`
        : caseTrap
          ? `The request method is '${m}' but Access-Control-Allow-Methods lists it in another case; methods are compared case-sensitively.`
          : include && wildcard
            ? `'*' in Access-Control-Allow-Methods is a literal method name when credentials are included, so ${m} is not allowed.`
            : `${m} is not listed in Access-Control-Allow-Methods.`,
      source: `${SRC_PREFLIGHT} step 7.5`,
    });
    if (!allowed) failed('MethodDisallowedByPreflightResponse', checks[checks.length - 1].detail, m);
  }

  // Headers: every CORS-unsafe request header listed (case-insensitively), or `*` without credentials.
  let disallowed: string[] | undefined;
  if (headerNames !== null && plan.unsafeHeaderNames.length > 0) {
    // Chromium 156, Firefox 153 and WebKitGTK 2.50 all let `*` cover Authorization (engines.test.ts);
    // the Fetch standard does not: "CORS non-wildcard request-header name" (Fetch §2.2.2). See engineNotes().
    const wildcard = !include && headerNames.includes('*');
    if (!wildcard) {
      const missing = plan.unsafeHeaderNames.filter((n) => !headerNames.includes(n));
      if (missing.length > 0) disallowed = missing;
    }
    checks.push({
      name: 'headers-allowed',
      ok: disallowed === undefined,
      headers: ['access-control-allow-headers'],
      detail:
        disallowed === undefined
          ? wildcard
            ? `Access-Control-Allow-Headers is '*', which covers ${plan.unsafeHeaderNames.join(', ')} without credentials.`
            : `Access-Control-Allow-Headers lists ${plan.unsafeHeaderNames.join(', ')}.`
          : `Access-Control-Allow-Headers does not list ${disallowed.join(', ')}${include && headerNames.includes('*') ? " ('*' is a literal name when credentials are included)" : ''}.`,
      source: `${SRC_PREFLIGHT} step 7.6`,
    });
    if (disallowed !== undefined)
      failed('HeaderDisallowedByPreflightResponse', checks[checks.length - 1].detail, disallowed[0]);
  }

  if (errorCode === undefined)
    return { ok: true, checks, preflightCacheSeconds: preflightCacheSeconds(h.maxAge) };
  const reason = corsReason(errorCode, hint);
  const j: StepJudgement = {
    ok: false,
    checks,
    errorCode,
    cause,
    reason,
    consoleMessage: consoleMessage(ctx.url, ctx.initialUrl, ctx.origin, reason),
  };
  if (errorCode === 'HeaderDisallowedByPreflightResponse') j.disallowedHeaders = disallowed;
  return j;
}
