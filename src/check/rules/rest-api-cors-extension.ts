import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';

/**
 * `x-amazon-apigateway-cors` configures CORS for HTTP APIs only (AWS docs: "x-amazon-apigateway-cors
 * object": "Specifies the cross-origin resource sharing (CORS) configuration for an HTTP API"). A REST
 * API imports it without effect: no OPTIONS method, no header on any answer.
 */
export const restApiCorsExtension: Rule = {
  code: 'CG124',
  name: 'rest-api-cors-extension',
  severity: 'warning',
  summary:
    'A REST API carries x-amazon-apigateway-cors, which only HTTP APIs read: it adds no OPTIONS method and no CORS header.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.apis) {
      if (!api.body || api.body['x-amazon-apigateway-cors'] === undefined) continue;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: api.logicalId,
        message: `${api.logicalId} is a REST API: API Gateway ignores its x-amazon-apigateway-cors (an HTTP API extension), so no OPTIONS method answers preflights and no answer carries Access-Control-Allow-Origin from it.`,
        pos: posOf(api.body, 'x-amazon-apigateway-cors') ?? api.pos,
        hint: "For a REST API, add Cors to the AWS::Serverless::Api (SAM then writes the OPTIONS mocks), or write an OPTIONS mock per path and map Access-Control-Allow-Origin in each method's integration response (or return it from the function).",
      });
    }
    return out;
  },
};
