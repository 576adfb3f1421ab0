// Notes on where the engines part ways for one exchange, each stated only as far as the engine suites
// (test/browser/engines.test.ts) showed it. The verdicts themselves are in `verdict.engines`; these
// sentences explain a difference, or a behaviour every engine shares but the Fetch standard does not.

import { parseTokenList, readCorsHeaders } from './cors-check.js';
import {
  CHROMIUM_ONLY_SAFELISTED,
  ENGINE_NAMES,
  ENGINES,
  type Engine,
  enginePreflightCacheSeconds,
  MAX_AGE_CAPS,
} from './engines.js';
import type { EngineOutcomes, FetchVerdict } from './types.js';

/** "Chromium", "Chromium and Firefox", "Chromium, Firefox and WebKit". */
export function engineList(engines: readonly Engine[]): string {
  const names = engines.map((e) => ENGINE_NAMES[e]);
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * One line for a verdict across engines: "allowed in all three", "blocked in all three", or which
 * engines block and which allow. `engines` narrows the engines spoken of (`--browser`).
 */
export function engineSummary(outcomes: EngineOutcomes, engines: readonly Engine[] = ENGINES): string {
  const blocked = engines.filter((e) => !outcomes[e].allowed);
  const allowed = engines.filter((e) => outcomes[e].allowed);
  const all =
    engines.length === 3
      ? 'all three'
      : engines.length === 1
        ? ENGINE_NAMES[engines[0]]
        : `both ${engineList(engines)}`;
  if (blocked.length === 0) return `allowed in ${all}`;
  if (allowed.length === 0) return `blocked in ${all}`;
  return `blocked in ${engineList(blocked)}, allowed in ${engineList(allowed)}`;
}

export function engineNotes(verdict: FetchVerdict): string[] {
  const notes: string[] = [];
  const plan = verdict.plan;
  const e = verdict.engines;
  for (const h of plan.headers)
    if (
      h.fate === 'safelisted' &&
      CHROMIUM_ONLY_SAFELISTED.has(h.name) &&
      e.chromium.needsPreflight !== e.firefox.needsPreflight
    )
      notes.push(
        `Chromium treats the client hint \`${h.name}\` as safelisted and sends no preflight for it; Firefox and WebKit preflight it, as the Fetch standard (§2.2.2) says.`,
      );
  const pf = verdict.preflight;
  if (pf?.judgement.ok) {
    const h = readCorsHeaders(pf.response.headers);
    const allowHeaders = parseTokenList(h.allowHeaders, true) ?? [];
    if (
      plan.unsafeHeaderNames.includes('authorization') &&
      allowHeaders.includes('*') &&
      !allowHeaders.includes('authorization') &&
      plan.credentialsMode !== 'include'
    )
      notes.push(
        'Access-Control-Allow-Headers: * covers Authorization in Chromium, Firefox and WebKit alike, but not in the Fetch standard (§2.2.2 "CORS non-wildcard request-header name"), and Firefox prints a warning that it will stop (CORSAllowHeaderFromPreflightDeprecation). List `Authorization` explicitly.',
      );
    if (h.maxAge !== undefined) {
      const secs = ENGINES.map((x) => enginePreflightCacheSeconds(x, h.maxAge));
      if (secs.some((s) => s !== secs[0])) {
        const capped = secs.some((s, i) => s === MAX_AGE_CAPS[ENGINES[i]]);
        notes.push(
          `Access-Control-Max-Age '${h.maxAge}': Chromium caches the preflight ${secs[0]} s, Firefox ${secs[1]} s, WebKit ${secs[2]} s${capped ? ' (caps: Chromium’s 7,200 s and WebKit’s 600 s measured; Firefox’s 86,400 s is its source constant)' : ''}.`,
        );
      }
    }
  }
  return notes;
}
