import { isDocumentedPattern, isOriginPattern, type PlatformEndpoint } from '../endpoints.js';
import type { Finding, Rule } from '../types.js';
import { normalizeOrigin, originProblem } from './malformed-origin.js';
import { corsSites, keyName, listEdit, positionOf } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * A pattern the platform does not document: HTTP APIs list `*`, `https://*` and `http://*` as their
 * allowOrigins values ("Configuring CORS for an HTTP API"), Function URLs origins or `*` (Lambda API
 * reference, Cors AllowOrigins). Any other `*` (a subdomain wildcard) is compared as written, and no
 * browser sends an Origin with a `*` in it; a deploy with `https://*.example.com` was also seen to fail
 * (arpadt.com, "Dynamically handling origins in HTTP APIs").
 */
function patternProblem(api: PlatformEndpoint, value: string): string {
  return api.kind === 'http'
    ? `'${value}' is a pattern API Gateway does not document (it documents *, https://* and http://*): it is compared as written, and no browser sends that Origin`
    : `'${value}' is a pattern Lambda does not document (it documents *): it is compared as written, and no browser sends that Origin`;
}

/**
 * An AllowOrigins entry that is not an origin as the browser writes it (Fetch §4.9 CORS check compares
 * byte for byte): no scheme, a path or trailing slash, upper case. The platform compares the request's
 * Origin with the entries as written, so the entry never matches a page.
 */
export const httpMalformedOrigin: Rule = {
  code: 'CG143',
  name: 'http-malformed-origin',
  severity: 'error',
  summary:
    "An AllowOrigins entry of an HTTP API or Function URL is not an origin (no scheme, a path, a trailing slash, upper case, a subdomain wildcard): it never matches the browser's Origin.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      const origins = site.cors.allowOrigins;
      const bad = origins
        .map((value, i) => ({
          value,
          i,
          pattern: isOriginPattern(value) && !isDocumentedPattern(site.api, value),
          normal: isOriginPattern(value) ? undefined : normalizeOrigin(value.trim()),
        }))
        .filter((o) => o.value !== '*' && !isDocumentedPattern(site.api, o.value) && o.normal !== o.value);
      if (bad.length === 0) continue;
      const fixable = bad.every((b) => b.normal !== undefined);
      const fixed = origins.map((o) =>
        isOriginPattern(o) || o === '*' ? o : (normalizeOrigin(o.trim()) ?? o),
      );
      const edit = fixable ? listEdit(ctx, site, 'allowOrigins', [...new Set(fixed)]) : undefined;
      const sim = blockedRequest(ctx, (s) => s.api === site.api);
      const first = bad[0];
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: `${site.label}: ${keyName(ctx, site, 'allowOrigins')} ${bad.map((b) => (b.pattern ? patternProblem(site.api, b.value) : originProblem(b.value))).join('; ')}: ${bad.length > 1 ? 'they never match' : 'it never matches'}.`,
        pos: site.cors.items.allowOrigins?.[first.i] ?? positionOf(site, 'allowOrigins'),
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: edit
          ? {
              description: `${keyName(ctx, site, 'allowOrigins')} [${[...new Set(fixed)].join(', ')}]`,
              edits: [edit],
            }
          : undefined,
        hint: 'Write each origin as scheme://host[:port], lower case, without a path: https://app.example.com',
      });
    }
    return out;
  },
};
