import { IMPLICIT_HTTP_API_ID } from '../../sam/http-api.js';
import { neededHeaders } from '../request-headers.js';
import type { Finding, Rule } from '../types.js';
import { corsHandlers, handlerOrigins, routeMethods } from './platform-cors.js';
import { routeName } from './util.js';

/**
 * An HTTP API without CorsConfiguration whose handler does CORS itself, on a route a browser must
 * preflight: no route takes the OPTIONS request, so API Gateway answers 404 {"message":"Not Found"}
 * (AWS docs: "Working with routes for HTTP APIs") and the handler never sees the preflight. With a
 * CorsConfiguration the gateway answers preflights itself ("Configuring CORS for an HTTP API").
 */
export const httpPreflightUnanswered: Rule = {
  code: 'CG146',
  name: 'http-preflight-unanswered',
  severity: 'error',
  summary:
    'An HTTP API without CorsConfiguration whose handler does CORS itself: no route takes the preflight, so it gets 404 and the browser stops.',
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.httpApis) {
      if (api.cors) continue;
      const handlers = corsHandlers(ctx, api);
      if (handlers.length === 0) continue;
      const sims = ctx.simulations.filter(
        (s) =>
          s.api === api &&
          s.expectedAllowed &&
          s.verdict.failedStep === 'preflight' &&
          s.verdict.preflight?.response.status === 404,
      );
      if (sims.length === 0) continue;
      const sim = sims[0];
      const origins = ctx.userOrigins.length > 0 ? ctx.userOrigins : handlerOrigins(ctx, api);
      const methods = ['GET', 'POST', ...routeMethods(api)];
      const headers = [...neededHeaders(api).keys()];
      const path =
        api.logicalId === IMPLICIT_HTTP_API_ID
          ? ['Globals', 'HttpApi', 'CorsConfiguration']
          : ['Resources', api.logicalId, 'Properties', 'CorsConfiguration'];
      const value: Record<string, unknown> = { AllowOrigins: origins, AllowMethods: methods };
      if (headers.length > 0) value.AllowHeaders = headers;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,
        message: `HTTP API ${api.logicalId} has no CorsConfiguration and ${handlers.join(', ')} ${handlers.length > 1 ? 'do' : 'does'} CORS itself, but no route takes the preflight of ${[...new Set(sims.map((s) => routeName(s)))].slice(0, 3).join(', ')}: API Gateway answers it 404.`,
        pos: sim.method.pos ?? api.pos,
        consoleMessage: sim.verdict.consoleMessage,
        route: routeName(sim),
        origin: sim.origin,
        fix:
          origins.length > 0 && api.body
            ? {
                description: `add CorsConfiguration to ${api.logicalId === IMPLICIT_HTTP_API_ID ? 'Globals.HttpApi' : api.logicalId} for ${origins.join(', ')}`,
                edits: [{ kind: 'set-path', path, value, plain: true }],
              }
            : undefined,
        hint: 'Add a CorsConfiguration (AllowOrigins, AllowMethods, AllowHeaders) to the HttpApi: API Gateway then answers preflights itself. Then remove the CORS code from the handler.',
      });
    }
    return out;
  },
};
