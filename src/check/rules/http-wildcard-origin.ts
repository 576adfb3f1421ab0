import type { Finding, Rule } from '../types.js';
import { corsSites, keyName, listEdit, positionOf } from './platform-cors.js';

/** AllowOrigins `*`: every website's scripts may call the API and read its answers. */
export const httpWildcardOrigin: Rule = {
  code: 'CG148',
  name: 'http-wildcard-origin',
  severity: 'warning',
  summary:
    "AllowOrigins of an HTTP API or Function URL is '*': any website's scripts may call it and read its answers.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      if (!site.cors.allowOrigins.includes('*') || site.cors.allowCredentials) continue; // CG140's case
      const edit =
        ctx.userOrigins.length > 0 ? listEdit(ctx, site, 'allowOrigins', ctx.userOrigins) : undefined;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: `${site.label}: ${keyName(ctx, site, 'allowOrigins')} is '*'; name the origins of your web app instead.`,
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
