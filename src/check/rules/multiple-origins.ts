import type { Finding, Rule } from '../types.js';
import { blockedRequest, corsHeaderValues, routeName } from './util.js';

/** Access-Control-Allow-Origin carries one origin (Fetch §3.2.3); a list fails every CORS check. */
export const multipleOrigins: Rule = {
  code: 'CG110',
  name: 'multiple-origins',
  severity: 'error',
  summary:
    'AllowOrigin lists several origins: the header may carry exactly one, so the browser rejects it for all of them.',
  fixable: false,
  check(ctx) {
    return corsHeaderValues(ctx, 'access-control-allow-origin')
      .filter((v) => /[,\s]/.test(v.value.trim()))
      .map((v): Finding => {
        const sim = blockedRequest(ctx, (s) => s.api === v.api && v.resources.includes(s.resource));
        return {
          code: this.code,
          rule: this.name,
          severity: this.severity,
          api: v.api.logicalId,
          message: `${v.api.logicalId}: AllowOrigin is '${v.value}'; Access-Control-Allow-Origin takes one origin, so no browser accepts it.`,
          pos: v.pos,
          consoleMessage: sim?.verdict.consoleMessage,
          route: sim ? routeName(sim) : undefined,
          origin: sim?.origin,
          hint: 'Allow one origin per API, or answer preflights in a function that echoes the request origin when it is on your list (crossgate/lambda withCors({ origins: [...] })).',
        };
      });
  },
};
