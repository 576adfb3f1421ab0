import { neededHeaders } from '../request-headers.js';
import type { Finding, Rule } from '../types.js';
import { blockedRequest, corsHeaderValues, listOf, routeName } from './util.js';

/**
 * The Fetch standard says `Access-Control-Allow-Headers: *` never covers Authorization (§4.8 step 8,
 * "CORS non-wildcard request-header name"). No engine crossgate verifies enforces that: Chromium 156,
 * Firefox 153 and WebKitGTK 2.50 all let `*` cover Authorization when no credentials are sent
 * (test/browser/engines.test.ts, "GET Authorization; preflight: methods *, headers *"); Firefox 153
 * prints a warning that it will stop (CORSAllowHeaderFromPreflightDeprecation, seen in its console
 * service). So this is a note about relying on what the standard forbids and Firefox is retiring, not
 * a failure in any engine: severity info.
 */
export const wildcardHeadersAuthorization: Rule = {
  code: 'CG114',
  name: 'wildcard-headers-authorization',
  severity: 'info',
  summary:
    "AllowHeaders '*' is relied on for Authorization: Chromium, Firefox and WebKit accept it, but the Fetch standard does not.",
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
      // A request that went through with Authorization under '*': Firefox warns about it.
      const warned = ctx.simulations.find(
        (s) =>
          s.api === v.api &&
          v.resources.includes(s.resource) &&
          s.verdict.engines.firefox.consoleWarnings.length > 0,
      );
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: `${v.api.logicalId}: AllowHeaders is '${v.value}' and the routes need Authorization; Chromium, Firefox and WebKit let '*' cover it, the Fetch standard does not, and Firefox warns it will stop: list it.`,
        pos: v.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        verdict: sim ? undefined : warned?.verdict,
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
