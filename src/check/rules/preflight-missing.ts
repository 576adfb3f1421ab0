import { neededHeaders } from '../request-headers.js';
import type { Finding, Rule } from '../types.js';
import { apiPropertyPath, fewOf, routeName } from './util.js';

/**
 * A route a browser must preflight, on a path with no OPTIONS method: API Gateway answers the
 * preflight 403 Missing Authentication Token (AWS docs: "Enabling CORS for a REST API resource").
 */
export const preflightMissing: Rule = {
  code: 'CG104',
  name: 'preflight-missing',
  severity: 'error',
  summary:
    "A route needs a CORS preflight and its path has no OPTIONS method: API Gateway answers 403 'Missing Authentication Token'.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.apis) {
      // A path with an OPTIONS method that answers 403 Missing Authentication Token has one: IAM guards
      // it (CG103 says so), as an IAM method without a signature gets that answer too.
      const sims = ctx.simulations.filter(
        (s) =>
          s.api === api &&
          s.expectedAllowed &&
          !s.resource.methods.some((m) => m.method === 'OPTIONS') &&
          s.verdict.failedStep === 'preflight' &&
          s.verdict.preflight?.response.headers.some(
            ([n, v]) => n.toLowerCase() === 'x-amzn-errortype' && v === 'MissingAuthenticationTokenException',
          ),
      );
      if (sims.length === 0) continue;
      const model = ctx.apiModel(api);
      const paths = [...new Set(sims.map((s) => s.resource.path))];
      const origin = ctx.origins(api)[0];
      const sim = sims[0];
      // The headers the routes send, so the Cors that answers the preflight allows them at once.
      const headers = [...neededHeaders(api).values()].map((h) => h.name).join(',');
      const cors: Record<string, string> = { AllowOrigin: `'${origin}'` };
      if (headers) cors.AllowHeaders = `'${headers}'`;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,
        message: `${api.logicalId}: ${fewOf(paths)} ${paths.length > 1 ? 'have' : 'has'} no OPTIONS method, so the browser's preflight gets 403 Missing Authentication Token. ${model?.cors ? 'The path is outside what Cors covers.' : 'The API has no Cors.'}`,
        pos: sim.method.pos ?? model?.pos ?? api.pos,
        consoleMessage: sim.verdict.consoleMessage,
        route: routeName(sim),
        origin: sim.origin,
        fix:
          model && !model.cors && ctx.userOrigins.length === 1 && model.kind !== 'cloudformation'
            ? {
                description: `add Cors to ${model.kind === 'implicit' ? 'Globals.Api' : api.logicalId} for ${origin}`,
                edits: [
                  {
                    kind: 'set-path',
                    path: apiPropertyPath(model, 'Cors'),
                    value: cors,
                  },
                ],
              }
            : undefined,
        hint: `Add Cors to the API (${Object.entries(cors)
          .map(([k, v]) => `${k}: "${v}"`)
          .join(', ')}), or route OPTIONS to a function that answers preflights.`,
      });
    }
    return out;
  },
};
