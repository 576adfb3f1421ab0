// Where Firefox and Safari (which follow the Fetch standard more literally) would decide differently
// from Chromium for the same exchange. The model's verdict is Chromium's; these notes say when the
// same page could still break — or work — elsewhere.

import { parseTokenList, readCorsHeaders } from './cors-check.js';
import { CHROMIUM_MAX_AGE_CAP, preflightCacheSeconds } from './preflight.js';
import type { FetchVerdict } from './types.js';

/** Max-Age caps: Chromium preflight_result.cc, Firefox nsCORSListenerProxy (24 h), WebKit CrossOriginPreflightResultCache (10 min). */
export const MAX_AGE_CAPS = { chromium: CHROMIUM_MAX_AGE_CAP, firefox: 86_400, safari: 600 } as const;

/** Request headers Chromium safelists but the Fetch standard (and Firefox, Safari) does not. */
export const CHROMIUM_ONLY_SAFELISTED = new Set([
  'device-memory',
  'dpr',
  'width',
  'viewport-width',
  'rtt',
  'downlink',
  'ect',
  'save-data',
]);

export function otherBrowserNotes(verdict: FetchVerdict): string[] {
  const notes: string[] = [];
  const plan = verdict.plan;
  for (const h of plan.headers)
    if (h.fate === 'safelisted' && CHROMIUM_ONLY_SAFELISTED.has(h.name) && plan.kind !== 'same-origin')
      notes.push(
        `Chromium treats the client hint \`${h.name}\` as safelisted; Firefox and Safari follow the Fetch standard (§2.2.2) and preflight it.`,
      );
  const pf = verdict.preflight;
  if (pf?.judgement.ok) {
    const h = readCorsHeaders(pf.response.headers);
    const allowHeaders = parseTokenList(h.allowHeaders, true) ?? [];
    // Fetch §2.2.2 "CORS non-wildcard request-header name": `*` never covers Authorization.
    if (
      plan.unsafeHeaderNames.includes('authorization') &&
      allowHeaders.includes('*') &&
      !allowHeaders.includes('authorization') &&
      plan.credentialsMode !== 'include'
    )
      notes.push(
        'Chromium lets `Access-Control-Allow-Headers: *` cover Authorization; the Fetch standard (§4.8 step 7.6, "CORS non-wildcard request-header name") does not, so Firefox and Safari block this request. List `Authorization` explicitly.',
      );
    if (h.maxAge !== undefined) {
      const asked = preflightCacheSeconds(h.maxAge, Number.POSITIVE_INFINITY);
      if (asked > MAX_AGE_CAPS.safari)
        notes.push(
          `Access-Control-Max-Age asks for ${asked} s: Chromium caches the preflight ${Math.min(asked, MAX_AGE_CAPS.chromium)} s, Firefox ${Math.min(asked, MAX_AGE_CAPS.firefox)} s, Safari ${MAX_AGE_CAPS.safari} s.`,
        );
    }
  }
  return notes;
}
