import type { Finding, Rule } from '../types.js';
import { corsSites, listEdit, neededHeaders, positionOf } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * A request header the routes need (Content-Type for JSON, Authorization for a JWT, Lambda or IAM
 * authorizer, an x-api-key a Lambda authorizer reads) that AllowHeaders leaves out: the platform's
 * preflight answer does not list it and the browser stops (Fetch §4.8 step 8). Without credentials
 * `*` covers every header in Chromium 156, Firefox 153 and WebKitGTK 2.50, Authorization included
 * (test/browser/engines.test.ts; the Fetch standard excludes Authorization, docs/browser.md), and
 * with credentials it covers nothing.
 */
export const httpAllowHeadersMissing: Rule = {
  code: 'CG141',
  name: 'http-allow-headers-missing',
  severity: 'error',
  summary:
    'AllowHeaders of an HTTP API or Function URL leaves out a header the routes need (Content-Type, Authorization, x-api-key): the browser blocks the request after the preflight.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      const listed = site.cors.allowHeaders.map((h) => h.toLowerCase());
      const star = listed.includes('*') && !site.cors.allowCredentials;
      const missing = [...neededHeaders(site.api)].filter(([lower]) => !listed.includes(lower) && !star);
      if (missing.length === 0) continue;
      const sim = blockedRequest(
        ctx,
        (s) => s.api === site.api && s.verdict.errorCode === 'HeaderDisallowedByPreflightResponse',
      );
      const fixed = [...site.cors.allowHeaders, ...missing.map(([, m]) => m.shown)];
      const edit = listEdit(ctx, site, 'allowHeaders', fixed);
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: `${site.label}: AllowHeaders ${site.cors.allowHeaders.length ? `[${site.cors.allowHeaders.join(', ')}]` : 'is not set and'} leaves out ${missing.map(([, m]) => `${m.shown} (${m.why})`).join(', ')}.`,
        pos: positionOf(site, 'allowHeaders'),
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: edit ? { description: `AllowHeaders [${fixed.join(', ')}]`, edits: [edit] } : undefined,
      });
    }
    return out;
  },
};
