import type { DeployedApi, DeployedResource } from '../../sam/model.js';
import type { Finding, Rule } from '../types.js';
import { blockedRequest, corsHeaderValues, listOf, preflightMethods, routeName } from './util.js';

/** The request headers the API's own routes make a web app send (lower-case, display-cased). */
export function neededHeaders(api: DeployedApi, resources: DeployedResource[]): Map<string, string> {
  const need = new Map<string, string>();
  for (const r of resources)
    for (const m of r.methods) {
      if (['POST', 'PUT', 'PATCH', 'ANY'].includes(m.method)) need.set('content-type', 'Content-Type');
      if (m.apiKeyRequired && m.method !== 'OPTIONS') need.set('x-api-key', 'X-Api-Key');
      const a = m.authorizer && m.method !== 'OPTIONS' ? api.authorizers[m.authorizer] : undefined;
      if (a?.type === 'TOKEN' || a?.type === 'COGNITO_USER_POOLS') {
        const n = a.identityHeaders[0] ?? 'Authorization';
        need.set(n.toLowerCase(), n);
      } else if (a?.type === 'REQUEST') for (const n of a.identityHeaders) need.set(n.toLowerCase(), n);
      else if (m.authorizer === 'AWS_IAM' && m.method !== 'OPTIONS')
        need.set('authorization', 'Authorization');
    }
  return need;
}

/**
 * A header the web app must send that the preflight does not allow (Fetch §4.8 step 8): JSON bodies
 * need Content-Type, keyed methods x-api-key, authorizers their identity header.
 */
export const allowHeadersMissing: Rule = {
  code: 'CG113',
  name: 'allow-headers-missing',
  severity: 'error',
  summary:
    'AllowHeaders leaves out a header the API needs (Content-Type, X-Api-Key, Authorization): the browser blocks the request after the preflight.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    const values = corsHeaderValues(ctx, 'access-control-allow-headers');
    for (const v of values) {
      const listed = listOf(v.value);
      const need = neededHeaders(v.api, v.resources);
      const missing = [...need].filter(
        ([lower]) => !listed.includes(lower) && !(listed.includes('*') && lower !== 'authorization'),
      );
      if (missing.length === 0) continue;
      if (listed.includes('*') && missing.every(([l]) => l === 'authorization')) continue; // CG114's case
      const sim = blockedRequest(
        ctx,
        (s) =>
          s.api === v.api &&
          v.resources.includes(s.resource) &&
          s.verdict.errorCode === 'HeaderDisallowedByPreflightResponse',
      );
      const fixed = [
        ...v.value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        ...missing.map(([, shown]) => shown),
      ].join(',');
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: `${v.api.logicalId}: AllowHeaders '${v.value}' leaves out ${missing.map(([, s]) => s).join(', ')}, which the routes need.`,
        pos: v.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: v.pos
          ? { description: `allow ${fixed}`, edits: [{ kind: 'replace', pos: v.pos, value: `'${fixed}'` }] }
          : undefined,
      });
    }
    // Cors without AllowHeaders: SAM sends no Access-Control-Allow-Headers at all.
    for (const api of ctx.deployment.apis) {
      const pre = preflightMethods(api);
      if (
        pre.length === 0 ||
        pre.some((p) =>
          p.method.mockHeaders.some((h) => h.name.toLowerCase() === 'access-control-allow-headers'),
        )
      )
        continue;
      const need = neededHeaders(
        api,
        pre.map((p) => p.resource),
      );
      if (need.size === 0) continue;
      const model = ctx.apiModel(api);
      const sim = blockedRequest(
        ctx,
        (s) => s.api === api && s.verdict.errorCode === 'HeaderDisallowedByPreflightResponse',
      );
      const value = `'${[...need.values()].join(',')}'`;
      const originPos = model?.cors && !model.cors.shorthand ? model.cors.allowOrigin?.pos : undefined;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,
        message: `${api.logicalId}: Cors has no AllowHeaders, so the preflight allows no request header; the routes need ${[...need.values()].join(', ')}.`,
        pos: model?.cors?.pos ?? api.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        fix: originPos
          ? {
              description: `add AllowHeaders: "${value}"`,
              edits: [{ kind: 'set-sibling', pos: originPos, key: 'AllowHeaders', value }],
            }
          : undefined,
        hint: `Add AllowHeaders: "${value}" to Cors.`,
      });
    }
    return out;
  },
};
