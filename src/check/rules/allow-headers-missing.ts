import { type NeededHeader, neededHeaders } from '../request-headers.js';
import type { Finding, Rule } from '../types.js';
import {
  blockedRequest,
  corsHeaderValues,
  corsSibling,
  credentialed,
  listOf,
  preflightMethods,
  routeName,
} from './util.js';

/** `X-Api-Key (the API key), Content-Type (JSON bodies)`: what a preflight must allow, and why. */
export function neededList(
  missing: NeededHeader[],
  shown: (h: NeededHeader) => string = (h) => h.name,
): string {
  return missing.map((h) => `${shown(h)} (${h.why})`).join(', ');
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
      // '*' covers every header but Authorization (CG114's case) — without credentials: with them it is
      // a header named '*' (Fetch §3.2.5 "CORS protocol and credentials"), as for an HTTP API (CG141).
      const star = listed.includes('*') && !credentialed(v.api);
      const need = neededHeaders(v.api, v.resources);
      const missing = [...need].filter(
        ([lower]) => !listed.includes(lower) && !(star && lower !== 'authorization'),
      );
      if (missing.length === 0) continue;
      if (star && missing.every(([l]) => l === 'authorization')) continue; // CG114's case
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
          .filter((s) => s !== '' && (s !== '*' || star)),
        ...missing.map(([, h]) => h.name),
      ].join(',');
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: v.api.logicalId,
        message: `${v.api.logicalId}: AllowHeaders '${v.value}' leaves out ${neededList(missing.map(([, h]) => h))}, which the routes send.`,
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
      const value = `'${[...need.values()].map((h) => h.name).join(',')}'`;
      const originPos = corsSibling(model)?.pos;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,
        message: `${api.logicalId}: Cors has no AllowHeaders, so the preflight allows no request header, and the routes send ${neededList([...need.values()])}.`,
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
