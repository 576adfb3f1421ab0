import type { Finding, Rule } from '../types.js';
import { fewOf, guardedPreflightFinding, preflightMethods } from './util.js';

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
      const paths = guarded.map((g) => g.resource.path);
      out.push(
        guardedPreflightFinding(
          ctx,
          this,
          api,
          guarded,
          {
            located: ctx.apiModel(api)?.auth?.apiKeyRequired,
            name: 'ApiKeyRequired',
            flag: 'AddApiKeyRequiredToCorsPreflight',
          },
          `${api.logicalId}: ApiKeyRequired also guards the OPTIONS preflight of ${guarded.length} path${guarded.length > 1 ? 's' : ''} (${fewOf(paths)}); the browser sends no x-api-key on a preflight and gets 403 Forbidden.`,
          'Set Auth.AddApiKeyRequiredToCorsPreflight: false, or move ApiKeyRequired: true to the function events.',
        ),
      );
    }
    return out;
  },
};
