import type { Finding, Rule } from '../types.js';
import { methodsMessage } from './allow-methods-missing.js';
import { corsSites, keyName, listEdit, positionOf, routeMethods } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * A method a route is declared with (PUT, DELETE, PATCH) that AllowMethods does not list: the
 * platform's preflight answer leaves it out and the browser refuses it (Fetch §4.8 step 7; GET,
 * HEAD and POST need no listing). Without AllowMethods no Access-Control-Allow-Methods is sent at all.
 */
export const httpAllowMethodsMissing: Rule = {
  code: 'CG142',
  name: 'http-allow-methods-missing',
  severity: 'error',
  summary:
    'AllowMethods of an HTTP API or Function URL leaves out a method a route uses: the browser blocks that method after the preflight.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      const listed = site.cors.allowMethods.map((m) => m.toUpperCase());
      if (listed.includes('*') && !site.cors.allowCredentials) continue;
      const missing = routeMethods(site.api).filter((m) => !listed.includes(m));
      if (missing.length === 0) continue;
      const sim = blockedRequest(
        ctx,
        (s) => s.api === site.api && s.verdict.errorCode === 'MethodDisallowedByPreflightResponse',
      );
      const fixed = [...site.cors.allowMethods, ...missing];
      const edit = listEdit(ctx, site, 'allowMethods', fixed);
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: methodsMessage(
          site.label,
          site.cors.allowMethods.length ? `[${site.cors.allowMethods.join(', ')}]` : undefined,
          missing,
          site.api.resources,
          site.property,
          keyName(ctx, site, 'allowMethods'),
        ),
        pos: positionOf(site, 'allowMethods'),
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: edit
          ? { description: `${keyName(ctx, site, 'allowMethods')} [${fixed.join(', ')}]`, edits: [edit] }
          : undefined,
      });
    }
    return out;
  },
};
