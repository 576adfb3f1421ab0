import { MAX_AGE_CAPS } from '../../browser/index.js';
import type { Finding, Rule } from '../types.js';
import { maxAgeMessage } from './max-age-over-cap.js';
import { corsSites, keyName } from './platform-cors.js';

/** The caps come from the browser model (engines.ts: Chromium's and WebKit's measured, Firefox's its source). */
const CHROMIUM_MAX_AGE = MAX_AGE_CAPS.chromium;
/** Lambda refuses a Function URL's MaxAge above this (Lambda API reference: Cors, MaxAge 0–86400). */
const LAMBDA_MAX_AGE = 86400;

export const httpMaxAgeOverCap: Rule = {
  code: 'CG147',
  name: 'http-max-age-over-cap',
  severity: 'warning',
  summary:
    'MaxAge of an HTTP API or Function URL is above what Chromium honours (7200 s): the preflight is repeated sooner than the template says.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      const n = site.cors.maxAge;
      if (n === undefined || n <= CHROMIUM_MAX_AGE) continue;
      const at = site.cors.at.maxAge;
      const refused = site.api.kind === 'function-url' && n > LAMBDA_MAX_AGE;
      out.push({
        code: this.code,
        rule: this.name,
        // Lambda refusing the value fails the deploy: an error, as CG101's refused mapping expression is.
        severity: refused ? 'error' : this.severity,
        api: site.api.logicalId,
        message: maxAgeMessage(
          site.label,
          n,
          refused ? `, and Lambda refuses more than ${LAMBDA_MAX_AGE} s` : '',
        ),
        pos: at ?? site.cors.pos,
        fix: at
          ? {
              description: `MaxAge ${CHROMIUM_MAX_AGE}`,
              edits: [
                { kind: 'set-sibling', pos: at, key: keyName(ctx, site, 'maxAge'), value: CHROMIUM_MAX_AGE },
              ],
            }
          : undefined,
      });
    }
    return out;
  },
};
