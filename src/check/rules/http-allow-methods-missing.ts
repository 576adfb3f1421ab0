import type { Finding, Rule } from '../types.js';
import { methodsMessage } from './allow-methods-missing.js';
import { corsSites, keyName, listEdit, positionOf, routeMethods } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * A method a route is declared with (PUT, DELETE, PATCH) that AllowMethods does not list: the
 * platform's preflight answer leaves it out and the browser refuses it (Fetch §4.8 step 7; GET,
 * HEAD and POST need no listing). Without AllowMethods no Access-Control-Allow-Methods is sent at all.
 * The list is compared as written: the platform sends it so, and the browser's method (`PUT`, upper
 * case for the methods fetch() normalizes) must be in it byte for byte; with credentials `*` is a
 * method named `*`.
 */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
/** The methods fetch() upper-cases that a preflight must list (GET, HEAD and POST need no listing). */
const NORMALIZED = new Set(['DELETE', 'OPTIONS', 'PUT']);

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
      // As written: the platform sends the list as it is, and the browser compares byte for byte.
      const listed = site.cors.allowMethods;
      const star = listed.includes('*');
      if (star && !site.cors.allowCredentials) continue;
      const used = routeMethods(site.api);
      // fetch() upper-cases DELETE, OPTIONS and PUT (Fetch "normalize a method"): listed in lower
      // case they never match a page's request, whether a route declares them or an ANY route takes them.
      const lowerCase = listed.filter(
        (m) =>
          m !== m.toUpperCase() &&
          (used.includes(m.toUpperCase()) || NORMALIZED.has(m.toUpperCase())) &&
          !listed.includes(m.toUpperCase()),
      );
      const missing = [
        ...new Set([...used.filter((m) => !listed.includes(m)), ...lowerCase.map((m) => m.toUpperCase())]),
      ];
      if (missing.length === 0) continue;
      const sim = blockedRequest(
        ctx,
        (s) => s.api === site.api && s.verdict.errorCode === 'MethodDisallowedByPreflightResponse',
      );
      const fixed = [
        ...new Set([
          ...listed.map((m) => (HTTP_METHODS.has(m.toUpperCase()) ? m.toUpperCase() : m)),
          ...missing,
        ]),
      ];
      const edit = listEdit(ctx, site, 'allowMethods', fixed);
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message:
          lowerCase.length === missing.length
            ? `${site.label}: ${keyName(ctx, site, 'allowMethods')} [${listed.join(', ')}] writes ${lowerCase.join(', ')} in lower case: the browser compares methods case-sensitively and its ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not among them.`
            : `${methodsMessage(
                site.label,
                listed.length ? `[${listed.join(', ')}]` : undefined,
                missing,
                site.api.resources,
                site.property,
                keyName(ctx, site, 'allowMethods'),
              ).replace(
                /\.$/,
                '',
              )}${star ? "; with AllowCredentials the browser reads '*' as a method named '*', not as every method." : '.'}`,
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
