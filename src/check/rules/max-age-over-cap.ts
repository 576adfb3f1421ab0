import type { Finding, Rule } from '../types.js';
import { corsHeaderValues } from './util.js';

/** Chromium caps the preflight cache at 7200 s (services/network cors preflight_result.cc); Firefox at 86400 s. */
export const CHROMIUM_MAX_AGE = 7200;

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
        message: `${v.api.logicalId}: MaxAge ${v.value} s; Chromium caches a preflight for at most ${CHROMIUM_MAX_AGE} s (Firefox 86400 s, Safari 600 s).`,
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
