import { MAX_AGE_CAPS } from '../../browser/index.js';
import type { Finding, Rule } from '../types.js';
import { corsHeaderValues } from './util.js';

// The caps come from the browser model (engines.ts): one source. Chromium's and WebKit's are measured
// (engines.test.ts, a clock moved forward); Firefox's is its source constant, and the message says so.
const CHROMIUM_MAX_AGE = MAX_AGE_CAPS.chromium;

export const maxAgeOverCap: Rule = {
  code: 'CG115',
  name: 'max-age-over-cap',
  severity: 'warning',
  summary:
    'MaxAge is above what Chromium honours (7200 s): the preflight is repeated sooner than the template says.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const v of corsHeaderValues(ctx, 'access-control-max-age')) {
      const n = Number(v.value);
      if (!Number.isFinite(n) || n <= CHROMIUM_MAX_AGE) continue;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: maxAgeMessage(v.api.logicalId, v.value),
        pos: v.pos,
        fix: v.pos
          ? {
              description: `MaxAge '${CHROMIUM_MAX_AGE}'`,
              edits: [{ kind: 'replace', pos: v.pos, value: `'${CHROMIUM_MAX_AGE}'` }],
            }
          : undefined,
      });
    }
    return out;
  },
};

/** What CG115 (REST) and CG147 (HTTP API, Function URL) say about a MaxAge above the browsers' caps. */
export function maxAgeMessage(label: string, seconds: string | number, more = ''): string {
  return `${label}: MaxAge ${seconds} s; browsers cap a preflight's cache at ${CHROMIUM_MAX_AGE} s (Chromium, measured), ${MAX_AGE_CAPS.firefox} s (Firefox, its source), ${MAX_AGE_CAPS.webkit} s (WebKit, measured)${more}.`;
}
