import { neededHeaders } from '../request-headers.js';
import type { Finding, Rule } from '../types.js';
import { neededList } from './allow-headers-missing.js';
import { corsSites, keyName, listEdit, positionOf } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * A request header the routes need (Content-Type for JSON, Authorization for a JWT, Lambda or IAM
 * authorizer, an x-api-key a Lambda authorizer reads) that AllowHeaders leaves out: the platform's
 * preflight answer does not list it and the browser stops (Fetch §4.8 step 8). Without credentials
 * `*` covers every header in Chromium 156, Firefox 153 and WebKitGTK 2.50, Authorization included
 * (test/browser/engines.test.ts; the Fetch standard excludes Authorization, docs/browser.md), and
 * with credentials it covers nothing.
 */
const lower = (h: { name: string }) => h.name.toLowerCase();

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
      const fixed = [...site.cors.allowHeaders, ...missing.map(([lower]) => lower)];
      const edit = listEdit(ctx, site, 'allowHeaders', fixed);
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: site.cors.allowHeaders.length
          ? `${site.label}: ${keyName(ctx, site, 'allowHeaders')} [${site.cors.allowHeaders.join(', ')}] leaves out ${neededList(
              missing.map(([, h]) => h),
              lower,
            )}, which the routes send.`
          : `${site.label}: ${site.property} has no ${keyName(ctx, site, 'allowHeaders')}, so the preflight allows no request header, and the routes send ${neededList(
              missing.map(([, h]) => h),
              lower,
            )}.`,
        pos: positionOf(site, 'allowHeaders'),
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: edit
          ? { description: `${keyName(ctx, site, 'allowHeaders')} [${fixed.join(', ')}]`, edits: [edit] }
          : undefined,
      });
    }
    return out;
  },
};
