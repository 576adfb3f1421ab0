import { responseForStatus } from '../../sam/integrations.js';
import type { DeployedMethod, DeployedResource, IntegrationResponse } from '../../sam/model.js';
import { isRestApi } from '../endpoints.js';
import type { CheckContext, Finding, Rule, SimulatedRequest } from '../types.js';
import { normalizeOrigin } from './malformed-origin.js';
import { allowOriginOf, routeName } from './util.js';

/**
 * An answer made by API Gateway from an integration response (AWS service, HTTP, Lambda non-proxy,
 * or a mock written in the OpenAPI definition) carries only the headers its responseParameters map
 * (AWS docs: "Set up an integration response in API Gateway"; "Enable CORS for a REST API resource":
 * for non-proxy integrations the Access-Control-Allow-Origin header is mapped in the integration
 * response). Without it the browser blocks the answer (Fetch §4.9 CORS check).
 */
export const integrationResponseWithoutCors: Rule = {
  code: 'CG123',
  name: 'integration-response-without-cors',
  severity: 'error',
  summary:
    'A non-proxy integration (AWS service, HTTP, Lambda non-proxy, an OpenAPI mock) maps no Access-Control-Allow-Origin in the integration response the browser meets: the browser blocks it.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<DeployedMethod>();
    for (const s of ctx.simulations) {
      if (!s.expectedAllowed || s.verdict.allowed) continue;
      const step = s.verdict.failedStep;
      if (step !== 'actual' && step !== 'preflight') continue;
      const method = step === 'preflight' ? optionsOf(s.resource) : s.method;
      if (!method || method.corsPreflight || seen.has(method)) continue;
      if (method.integration !== 'aws' && method.integration !== 'http' && method.integration !== 'mock')
        continue;
      const res = step === 'preflight' ? s.verdict.preflight?.response : s.verdict.actual?.response;
      if (!res || res.headers.some(([n]) => n.toLowerCase() === 'access-control-allow-origin')) continue;
      if (res.headers.some(([n]) => n.toLowerCase() === 'x-amzn-errortype')) continue;
      const chosen = met(method);
      if (!chosen) continue;
      seen.add(method);
      const kind =
        method.integration === 'mock'
          ? 'mock'
          : method.functionId
            ? `Lambda non-proxy (${method.functionId})`
            : method.integration === 'aws'
              ? `${method.target?.service ?? 'AWS'} service`
              : `HTTP${method.target?.connectionType === 'VPC_LINK' ? ' over a VPC link' : ''}`;
      const what =
        step === 'preflight' ? 'every preflight fails' : `the browser blocks every answer to ${routeName(s)}`;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: s.api.logicalId,
        message: `${s.api.logicalId} ${method.method} ${s.resource.path} (${kind} integration): integration response '${chosen.pattern}' (${chosen.statusCode}) maps no Access-Control-Allow-Origin, and nothing else adds it to a non-proxy answer, so ${what}.`,
        pos: chosen.pos ?? method.pos,
        consoleMessage: s.verdict.consoleMessage,
        route: routeName(s),
        origin: s.origin,
        hint: `Map it in that integration response: responseParameters: { method.response.header.Access-Control-Allow-Origin: "'${mapped(ctx, s)}'" }, and declare the header in the method response (responses.'${chosen.statusCode}'.headers).`,
      });
    }
    return out;
  },
};

function optionsOf(resource: DeployedResource): DeployedMethod | undefined {
  return (
    resource.methods.find((m) => m.method === 'OPTIONS') ?? resource.methods.find((m) => m.method === 'ANY')
  );
}

/** The integration response a successful backend answer meets. */
function met(method: DeployedMethod): IntegrationResponse | undefined {
  const responses = method.integrationResponses;
  if (method.integration === 'mock' || method.functionId)
    return responses.find((r) => r.pattern === 'default') ?? responses[0];
  return responseForStatus(responses, 200);
}

/**
 * The value to map: what the API's CORS preflight allows (its AllowOrigin, '*' included) when that is
 * one value a browser accepts, else the page's origin the simulation used.
 */
function mapped(ctx: CheckContext, s: SimulatedRequest): string {
  const allowed = isRestApi(s.api) ? allowOriginOf(ctx, s.api)?.trim() : undefined;
  return allowed !== undefined && (allowed === '*' || normalizeOrigin(allowed) === allowed)
    ? allowed
    : s.origin;
}
