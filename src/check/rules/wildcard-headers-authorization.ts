import type { Finding, Rule } from '../types.js';
import { neededHeaders } from './allow-headers-missing.js';
import { blockedRequest, corsHeaderValues, listOf, routeName } from './util.js';

/**
 * The Fetch standard says `Access-Control-Allow-Headers: *` never covers Authorization (§4.8 step 8,
 * "CORS non-wildcard request-header name"), and Firefox and Safari block such requests. Chromium 156,
 * our oracle, lets `*` cover Authorization when no credentials are sent (test/browser/chromium.test.ts),
 * so this is a warning about other browsers, not a Chromium failure.
 */
export const wildcardHeadersAuthorization: Rule = {
  code: 'CG114',
  name: 'wildcard-headers-authorization',
  severity: 'warning',
  summary:
    "AllowHeaders '*' is relied on for Authorization: Chromium accepts it, but the Fetch standard, Firefox and Safari do not.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const v of corsHeaderValues(ctx, 'access-control-allow-headers')) {
      const listed = listOf(v.value);
      if (!listed.includes('*') || listed.includes('authorization')) continue;
      if (!neededHeaders(v.api, v.resources).has('authorization')) continue;
      const sim = blockedRequest(
        ctx,
        (s) =>
          s.api === v.api &&
          v.resources.includes(s.resource) &&
          s.verdict.errorCode === 'HeaderDisallowedByPreflightResponse',
      );
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: `${v.api.logicalId}: AllowHeaders is '${v.value}' and the routes need Authorization; Chromium lets '*' cover it, Firefox and Safari (and the Fetch standard) do not: list it.`,
        pos: v.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: v.pos
          ? {
              description: "allow '*,Authorization'",
              edits: [{ kind: 'replace', pos: v.pos, value: `'${v.value},Authorization'` }],
            }
          : undefined,
      });
    }
    return out;
  },
};
