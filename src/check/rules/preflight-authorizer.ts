import type { Finding, Rule } from '../types.js';
import { fewOf, guardedPreflightFinding, preflightMethods } from './util.js';

/**
 * A DefaultAuthorizer guards the OPTIONS methods SAM generates unless AddDefaultAuthorizerToCorsPreflight
 * is false (SAM fixtures api_with_cors_and_auth_preflight_auth / _no_preflight_auth). A preflight
 * carries no Authorization header (Fetch §4.8), so the authorizer answers 401 and the preflight fails.
 */
export const preflightAuthorizer: Rule = {
  code: 'CG103',
  name: 'preflight-authorizer',
  severity: 'error',
  summary:
    "An authorizer guards the CORS preflight: the browser's preflight carries no Authorization header, so it gets 401/403.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.apis) {
      const guarded = preflightMethods(api).filter(
        (p) => p.method.authorizer && p.method.authorizer !== 'NONE',
      );
      if (guarded.length === 0) continue;
      const paths = guarded.map((g) => g.resource.path);
      out.push(
        guardedPreflightFinding(
          ctx,
          this,
          api,
          guarded,
          {
            located: ctx.apiModel(api)?.auth?.defaultAuthorizer,
            name: 'DefaultAuthorizer',
            flag: 'AddDefaultAuthorizerToCorsPreflight',
          },
          `${api.logicalId}: authorizer ${guarded[0].method.authorizer} also guards the OPTIONS preflight (${fewOf(paths)}); a preflight carries no Authorization header and is refused.`,
          'Set Auth.AddDefaultAuthorizerToCorsPreflight: false.',
        ),
      );
    }
    return out;
  },
};
