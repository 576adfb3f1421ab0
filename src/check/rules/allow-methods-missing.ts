import type { DeployedResource } from '../../sam/model.js';
import type { Finding, Rule } from '../types.js';
import {
  blockedRequest,
  corsHeaderValues,
  credentialed,
  fewOf,
  listOf,
  routeName,
  SAFELISTED_METHODS,
} from './util.js';

/**
 * A method the route serves that the preflight does not allow: the browser refuses it (Fetch §4.8
 * step 7: the method must be in Access-Control-Allow-Methods unless it is a CORS-safelisted method).
 */
export const allowMethodsMissing: Rule = {
  code: 'CG112',
  name: 'allow-methods-missing',
  severity: 'error',
  summary:
    'AllowMethods leaves out a method a route uses: the browser blocks that method after the preflight.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const v of corsHeaderValues(ctx, 'access-control-allow-methods')) {
      const listed = listOf(v.value).map((m) => m.toUpperCase());
      // '*' allows every method only without credentials; with them it is a method named '*' (Fetch
      // §3.2.5), as for an HTTP API (CG142).
      if (listed.includes('*') && !credentialed(v.api)) continue;
      const used = new Set<string>();
      for (const r of v.resources)
        for (const m of r.methods) {
          // An ANY route names no method: AllowMethods is what says which the page uses (as for an
          // HTTP API, CG142; the simulation sends those).
          if (m.method === 'ANY' || m.method === 'OPTIONS') continue;
          if (!SAFELISTED_METHODS.has(m.method) && !listed.includes(m.method)) used.add(m.method);
        }
      if (used.size === 0) continue;
      const missing = [...used];
      const sim = blockedRequest(
        ctx,
        (s) =>
          s.api === v.api &&
          v.resources.includes(s.resource) &&
          s.verdict.errorCode === 'MethodDisallowedByPreflightResponse',
      );
      const fixed = [
        ...listOf(v.value)
          .map((m) => m.toUpperCase())
          .filter((m) => m !== '*'),
        ...missing,
      ].join(',');
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: methodsMessage(v.api.logicalId, `'${v.value}'`, missing, v.resources),
        pos: v.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: v.pos
          ? { description: `allow ${fixed}`, edits: [{ kind: 'replace', pos: v.pos, value: `'${fixed}'` }] }
          : undefined,
      });
    }
    return out;
  },
};

/**
 * What CG112 (REST) and CG142 (HTTP API, Function URL) say: the setting leaves out these methods, and
 * the routes that use them. `written` undefined: the configuration sets no AllowMethods at all.
 */
export function methodsMessage(
  label: string,
  written: string | undefined,
  missing: string[],
  resources: DeployedResource[],
  property = 'Cors',
  key = 'AllowMethods',
): string {
  const users = resources.flatMap((r) =>
    r.methods.filter((m) => missing.includes(m.method)).map((m) => `${m.method} ${r.path}`),
  );
  const use = `${fewOf(users)} ${users.length > 1 ? 'use' : 'uses'}`;
  return written === undefined
    ? `${label}: ${property} has no ${key}, so the preflight allows only GET, HEAD and POST, and ${use} ${missing.join(', ')}.`
    : `${label}: ${key} ${written} leaves out ${missing.join(', ')}, which ${use}.`;
}
