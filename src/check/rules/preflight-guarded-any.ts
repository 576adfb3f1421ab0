import { isRestApi } from '../endpoints.js';
import type { Finding, Rule } from '../types.js';
import { routeName } from './util.js';

/**
 * A path with no OPTIONS method but an ANY method: API Gateway routes the preflight to ANY (AWS docs:
 * "x-amazon-apigateway-any-method": ANY matches every HTTP method, OPTIONS included). When ANY needs
 * an API key, an authorizer or IAM, the preflight carries none of them (Fetch §4.8: a CORS-preflight
 * request has no credentials and no author headers), so API Gateway refuses it before any code runs.
 */
export const preflightGuardedAny: Rule = {
  code: 'CG125',
  name: 'preflight-guarded-any',
  severity: 'error',
  summary:
    'A path has no OPTIONS method, so its ANY method answers the preflight, and ANY requires an API key, an authorizer or IAM that a preflight never carries.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<object>();
    for (const s of ctx.simulations) {
      // REST APIs only: an HTTP API or Function URL answers preflights from its CORS configuration.
      if (!s.expectedAllowed || s.verdict.failedStep !== 'preflight' || !isRestApi(s.api)) continue;
      if (s.resource.methods.some((m) => m.method === 'OPTIONS')) continue;
      const any = s.resource.methods.find((m) => m.method === 'ANY');
      if (!any || seen.has(any)) continue;
      const guard = any.apiKeyRequired
        ? 'an API key (x-api-key)'
        : any.authorizer === 'AWS_IAM'
          ? 'IAM authorization (a SigV4 signature)'
          : any.authorizer && any.authorizer !== 'NONE'
            ? `authorizer ${any.authorizer}`
            : undefined;
      if (!guard) continue;
      const status = s.verdict.preflight?.response.status;
      seen.add(any);
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: s.api.logicalId,
        message: `${s.api.logicalId}: ${s.resource.path} has no OPTIONS method, so ANY ${s.resource.path} answers the browser's preflight, and it requires ${guard}, which a preflight never carries: API Gateway answers ${status ?? 'an error'} and the request is never sent.`,
        pos: any.pos,
        consoleMessage: s.verdict.consoleMessage,
        route: routeName(s),
        origin: s.origin,
        hint: 'Add an OPTIONS method to the path with no authorization and no API key (a mock that answers the CORS headers), or Cors on an AWS::Serverless::Api.',
      });
    }
    return out;
  },
};
