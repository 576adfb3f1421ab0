import { isDocumentedPattern } from '../endpoints.js';
import type { Finding, Rule } from '../types.js';
import { corsSites, keyName, listEdit, positionOf } from './platform-cors.js';

/**
 * AllowOrigins `*`: every website's scripts may call the API and read its answers; an HTTP API's
 * `https://*` or `http://*`: every website on that scheme (AWS docs: "Configuring CORS for an HTTP API").
 */
export const httpWildcardOrigin: Rule = {
  code: 'CG148',
  name: 'http-wildcard-origin',
  severity: 'warning',
  summary:
    "AllowOrigins of an HTTP API or Function URL is '*' (or an HTTP API's 'https://*'): any website's scripts may call it and read its answers.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      // HTTP APIs' `https://*` and `http://*` ("allow any origin that begins with https://") open the
      // API to every website on that scheme, as `*` does to all (with credentials too, unlike `*`).
      const scheme = site.cors.allowOrigins.find((o) => isDocumentedPattern(site.api, o));
      const star = site.cors.allowOrigins.includes('*');
      if (star ? site.cors.allowCredentials : !scheme) continue; // `*` with credentials: CG140's case
      const what = star
        ? "is '*'"
        : `is '${scheme}'; any website on ${scheme!.slice(0, -4)} may call it${site.cors.allowCredentials ? ' with its cookies' : ''} and read its answers`;
      const edit =
        ctx.userOrigins.length > 0 ? listEdit(ctx, site, 'allowOrigins', ctx.userOrigins) : undefined;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: `${site.label}: ${keyName(ctx, site, 'allowOrigins')} ${what}; name the origins of your web app instead.`,
        pos: positionOf(site, 'allowOrigins'),
        fix: edit
          ? { description: `AllowOrigins [${ctx.userOrigins.join(', ')}]`, edits: [edit] }
          : undefined,
        hint: `List the origins your pages are served from, e.g. AllowOrigins: [https://app.example.com] (check --fix --origin <origin> does it).`,
      });
    }
    return out;
  },
};
