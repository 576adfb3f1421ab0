import type { Finding, Rule } from '../types.js';
import { neededHeaders } from './allow-headers-missing.js';
import { blockedRequest, corsHeaderValues, listOf } from './util.js';

/**
 * `Access-Control-Allow-Headers: *` never covers Authorization (Fetch §4.8 step 8, "CORS non-wildcard
 * request-header name"; Chromium follows it since M97); the Authorization name must be listed.
 */
export const wildcardHeadersAuthorization: Rule = {
  code: 'CG114',
  name: 'wildcard-headers-authorization',
  severity: 'error',
  summary:
    "AllowHeaders '*' is relied on for Authorization, which '*' never covers: requests with Authorization are blocked.",
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
        message: `${v.api.logicalId}: AllowHeaders is '${v.value}' and the routes need Authorization, which '*' does not cover; list it.`,
        pos: v.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? `${sim.method.method} ${sim.resource.path}` : undefined,
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
