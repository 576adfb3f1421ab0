import type { Finding, Rule } from '../types.js';
import { blockedRequest, preflightMethods } from './util.js';

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
    'An authorizer guards the CORS preflight: the browser sends no credentials on it, so it gets 401/403.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.apis) {
      const guarded = preflightMethods(api).filter(
        (p) => p.method.authorizer && p.method.authorizer !== 'NONE',
      );
      if (guarded.length === 0) continue;
      const model = ctx.apiModel(api);
      const at = model?.auth?.defaultAuthorizer?.pos ?? guarded[0].method.pos;
      const sim = blockedRequest(
        ctx,
        (s) =>
          s.api === api &&
          s.verdict.failedStep === 'preflight' &&
          guarded.some((g) => g.resource === s.resource),
      );
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,

        message: `${api.logicalId}: authorizer ${guarded[0].method.authorizer} also guards the OPTIONS preflight (${guarded
          .map((g) => g.resource.path)
          .slice(0, 3)
          .join(
            ', ',
          )}${guarded.length > 3 ? ', …' : ''}); a preflight carries no Authorization header and is refused.`,
        pos: at,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? `${sim.method.method} ${sim.resource.path}` : undefined,
        origin: sim?.origin,
        fix: model?.auth?.defaultAuthorizer?.pos
          ? {
              description: 'add AddDefaultAuthorizerToCorsPreflight: false beside DefaultAuthorizer',
              edits: [
                {
                  kind: 'set-sibling',
                  pos: model.auth.defaultAuthorizer.pos,
                  key: 'AddDefaultAuthorizerToCorsPreflight',
                  value: false,
                },
              ],
            }
          : undefined,
        hint: 'Set Auth.AddDefaultAuthorizerToCorsPreflight: false.',
      });
    }
    return out;
  },
};
