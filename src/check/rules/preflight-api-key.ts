import type { Finding, Rule } from '../types.js';
import { blockedRequest, preflightMethods } from './util.js';

/**
 * ApiKeyRequired on the API puts the key on the OPTIONS methods SAM generates, unless
 * AddApiKeyRequiredToCorsPreflight is false (SAM fixture api_with_cors_and_apikey_defined_at_api_level).
 * A browser never sends x-api-key on a preflight (Fetch §4.8), so every preflight is a 403.
 */
export const preflightApiKey: Rule = {
  code: 'CG102',
  name: 'preflight-api-key',
  severity: 'error',
  summary:
    'The API key is required on the CORS preflight: browsers never send it, so every preflight is a 403 Forbidden.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.apis) {
      const guarded = preflightMethods(api).filter((p) => p.method.apiKeyRequired);
      if (guarded.length === 0) continue;
      const model = ctx.apiModel(api);
      const at = model?.auth?.apiKeyRequired?.pos ?? guarded[0].method.pos;
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

        message: `${api.logicalId}: ApiKeyRequired also guards the OPTIONS preflight of ${guarded.length} path${guarded.length > 1 ? 's' : ''} (${guarded
          .map((g) => g.resource.path)
          .slice(0, 3)
          .join(
            ', ',
          )}${guarded.length > 3 ? ', …' : ''}); the browser sends no x-api-key on a preflight and gets 403 Forbidden.`,
        pos: at,
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? `${sim.method.method} ${sim.resource.path}` : undefined,
        origin: sim?.origin,
        fix: model?.auth?.apiKeyRequired?.pos
          ? {
              description: 'add AddApiKeyRequiredToCorsPreflight: false beside ApiKeyRequired',
              edits: [
                {
                  kind: 'set-sibling',
                  pos: model.auth.apiKeyRequired.pos,
                  key: 'AddApiKeyRequiredToCorsPreflight',
                  value: false,
                },
              ],
            }
          : undefined,
        hint: 'Set Auth.AddApiKeyRequiredToCorsPreflight: false, or move ApiKeyRequired: true to the function events.',
      });
    }
    return out;
  },
};
