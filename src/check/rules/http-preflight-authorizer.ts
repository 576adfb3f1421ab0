import { compileHttpRouter } from '../../gateway/http-router.js';
import { splitPath } from '../../gateway/router.js';
import type { DeployedMethod, DeployedResource } from '../../sam/model.js';
import { DEFAULT_PATH } from '../../sam/openapi.js';
import type { Finding, Rule } from '../types.js';
import { routeName } from './util.js';

/** A request path a route's own path matches: `{id}` as `1`, `{proxy+}` as `a/b`. */
function sampleSegments(path: string): string[] {
  return splitPath(path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, '1'));
}

/**
 * A route that catches OPTIONS (`$default`, an ANY route, an OPTIONS route) behind an authorizer, on
 * an HTTP API with CorsConfiguration: "The $default route catches requests for all methods … including
 * OPTIONS requests. To support unauthorized OPTIONS requests, add an OPTIONS /{proxy+} route to your API
 * that doesn't require authorization" (AWS docs: "Configuring CORS for an HTTP API with a $default route
 * and JWT authorizer"). A browser's preflight carries none of the page's headers (no Authorization; engines.test.ts checks it in all three), so it gets 401 or 403.
 */
export const httpPreflightAuthorizer: Rule = {
  code: 'CG149',
  name: 'http-preflight-authorizer',
  severity: 'error',
  summary:
    'An HTTP API route that catches OPTIONS ($default, ANY) has an authorizer: the preflight reaches it without credentials and gets 401/403.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.httpApis) {
      if (!api.cors) continue;
      // A guarded route matters only where an OPTIONS request is routed to it: an unguarded
      // OPTIONS /{proxy+} (the guide's remedy) or OPTIONS route of the same path takes precedence.
      const router = compileHttpRouter(api.resources);
      const paths = [
        ...api.resources.filter((r) => r.path !== DEFAULT_PATH).map((r) => sampleSegments(r.path)),
        ['crossgate-unrouted', 'path'],
      ];
      const catches = (r: DeployedResource, m: DeployedMethod) =>
        (r.path === DEFAULT_PATH ? paths : [sampleSegments(r.path)]).some(
          (segs) => router.match('OPTIONS', segs)?.method === m,
        );
      const guarded = api.resources.flatMap((r) =>
        r.methods
          .filter((m) => (m.method === 'ANY' || m.method === 'OPTIONS') && m.authorizer && catches(r, m))
          .map((m) => ({ r, m })),
      );
      if (guarded.length === 0) continue;
      const sim = ctx.simulations.find(
        (s) =>
          s.api === api &&
          s.expectedAllowed &&
          s.verdict.failedStep === 'preflight' &&
          (s.verdict.preflight?.response.status === 401 || s.verdict.preflight?.response.status === 403),
      );
      const { r, m } = guarded[0];
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,
        message: `HTTP API ${api.logicalId}: ${guarded.map((g) => (g.r.path === '$default' ? '$default' : `${g.m.method} ${g.r.path}`)).join(', ')} also catch${guarded.length > 1 ? '' : 'es'} OPTIONS and ${guarded.length > 1 ? 'are' : 'is'} guarded by authorizer ${m.authorizer}: the browser's preflight carries no Authorization header and is refused.`,
        pos: m.pos ?? api.pos,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : `${m.method} ${r.path}`,
        origin: sim?.origin,
        hint: "Add an `OPTIONS /{proxy+}` route without authorization (an HttpApi event with Method: options and Auth: { Authorizer: NONE }) whose function answers 204, as AWS's guide says; or give the catch-all routes explicit paths and methods.",
      });
    }
    return out;
  },
};
