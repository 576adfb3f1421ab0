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
      // SAM writes Cors into an inline (or AWS::Include) definition only: with DefinitionUri it refuses
      // the template ("Cors works only with inline Swagger specified in 'DefinitionBody' property.",
      // SAM error_cors_on_external_swagger), so the OPTIONS methods go into that file instead.
      const external =
        model !== undefined && model.kind !== 'cloudformation' && model.definitionUri !== undefined;
      // SAM puts the API's DefaultAuthorizer and ApiKeyRequired on the OPTIONS methods its Cors adds
      // unless told not to (SAM api_with_cors_and_auth_preflight_auth, api_with_cors_and_apikey):
      // a Cors added without the flags trades this finding for CG103 or CG102.
      const flags: Array<{ key: string; value: false }> = [];
      const auth = model?.auth;
      const authorizer = auth?.defaultAuthorizer?.raw;
      if (
        typeof authorizer === 'string' &&
        authorizer !== 'NONE' &&
        auth?.addDefaultAuthorizerToCorsPreflight?.raw !== false
      )
        flags.push({ key: 'AddDefaultAuthorizerToCorsPreflight', value: false });
      if (auth?.apiKeyRequired?.raw === true && auth.addApiKeyRequiredToCorsPreflight?.raw !== false)
        flags.push({ key: 'AddApiKeyRequiredToCorsPreflight', value: false });
      const corsText = Object.entries(cors)
        .map(([k, v]) => `${k}: "${v}"`)
        .join(', ');
      const flagText = flags.map((f) => `Auth.${f.key}: false`).join(', ');
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
          model && !model.cors && !external && ctx.userOrigins.length === 1 && model.kind !== 'cloudformation'
            ? {
                description: `add Cors to ${model.kind === 'implicit' ? 'Globals.Api' : api.logicalId} for ${origin}${flags.length > 0 ? ` (and ${flagText}, so the preflight is not guarded)` : ''}`,
                edits: [
                  {
                    kind: 'set-path',
                    path: apiPropertyPath(model, 'Cors'),
                    value: cors,
                  },
                  ...flags.map((f) => ({
                    kind: 'set-path' as const,
                    path: apiPropertyPath(model, 'Auth', f.key),
                    value: f.value,
                  })),
                ],
              }
            : undefined,
        hint: external
          ? `${api.logicalId} reads its OpenAPI from DefinitionUri, where SAM adds no Cors (it refuses Cors beside DefinitionUri): write an options method with a mock integration for each path in ${api.definitionFile ?? 'that file'}, answering Access-Control-Allow-Origin: '${origin}'${headers ? ` and Access-Control-Allow-Headers: '${headers}'` : ''}, or include the file with Fn::Transform AWS::Include in DefinitionBody and add Cors (${corsText}).`
          : `Add Cors to the API (${corsText}${flags.length > 0 ? `, with ${flagText}` : ''}), or route OPTIONS to a function that answers preflights.`,
      });
    }
    return out;
  },
};
