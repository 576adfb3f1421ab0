import type { Finding, Rule } from '../types.js';
import { corsHeaderValues, routeName } from './util.js';

/**
 * The browser compares Access-Control-Allow-Origin with its serialized origin byte for byte (Fetch
 * §4.9 CORS check): `scheme://host[:port]`, no path, no trailing slash, lower-case.
 */
export function normalizeOrigin(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    const u = new URL(value);
    if (u.origin === 'null') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with a value that is not an origin, as CG111 (REST) and CG143 (HTTP API, Function URL)
 * say it: "'app.example.com' has no scheme (the browser sends scheme://host[:port], e.g. https://app.example.com)".
 */
export function originProblem(value: string): string {
  const normal = normalizeOrigin(value.trim());
  return normal === undefined
    ? `'${value}' has no scheme (the browser sends scheme://host[:port], e.g. https://${value.replace(/\/.*$/, '')})`
    : `'${value}' is not an origin as the browser writes it ('${normal}')`;
}

export const malformedOrigin: Rule = {
  code: 'CG111',
  name: 'malformed-origin',
  severity: 'error',
  summary:
    "AllowOrigin is not an origin (no scheme, a path, a trailing slash, upper case): it never equals the browser's Origin.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const v of corsHeaderValues(ctx, 'access-control-allow-origin')) {
      const value = v.value.trim();
      if (value === '*' || value === 'null' || /[,\s]/.test(value)) continue;
      const normal = normalizeOrigin(value);
      if (normal === value) continue;
      const sim = ctx.simulations.find(
        (s) => s.api === v.api && v.resources.includes(s.resource) && !s.verdict.allowed,
      );
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: `${v.api.logicalId}: AllowOrigin ${originProblem(value)}: it never matches.`,
        pos: v.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix:
          normal && v.pos
            ? {
                description: `write the origin as '${normal}'`,
                edits: [{ kind: 'replace', pos: v.pos, value: `'${normal}'` }],
              }
            : undefined,
      });
    }
    return out;
  },
};
