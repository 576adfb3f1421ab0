import type { Finding, Rule } from '../types.js';
import { corsSites, positionOf } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * AllowOrigins `*` with AllowCredentials. SAM refuses the pair in CorsConfiguration (its message,
 * fixture error_* of sam-http: "'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not
 * set"), which `check` reports as bad input; this rule finds the forms SAM lets through: `*` among
 * other origins, an OpenAPI body's own `x-amazon-apigateway-cors`, and a Function URL's Cors. API
 * Gateway itself refuses those for an HTTP API at deploy ("allow-credentials is not supported if
 * 'allow-origin' is *", BadRequestException, aws/aws-cdk#9076; serve refuses to start the same way,
 * src/gateway/gateway.ts); a Function URL answers `*` with the caller's own origin
 * (aws-powertools/powertools-lambda-python#4163), so there every website may send cookies and read
 * the answers.
 */
export const httpWildcardWithCredentials: Rule = {
  code: 'CG140',
  name: 'http-wildcard-with-credentials',
  severity: 'error',
  summary:
    "AllowOrigins '*' with AllowCredentials: API Gateway refuses it for an HTTP API at deploy; a Function URL lets every website read credentialed answers.",
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      if (!site.cors.allowCredentials || !site.cors.allowOrigins.includes('*')) continue;
      const sim = blockedRequest(
        ctx,
        (s) =>
          s.api === site.api &&
          (s.verdict.errorCode === 'WildcardOriginNotAllowed' ||
            s.verdict.errorCode === 'PreflightWildcardOriginNotAllowed'),
      );
      const url = site.api.kind === 'function-url';
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: site.api.logicalId,
        message: url
          ? `${site.label}: AllowOrigins '*' with AllowCredentials: Lambda answers with the caller's own origin, so every website's pages may send cookies and read the answers.`
          : `${site.label}: AllowOrigins '*' with AllowCredentials: API Gateway refuses this CORS configuration at deploy ("allow-credentials is not supported if 'allow-origin' is *"), so sam deploy fails.`,
        pos: positionOf(site, 'allowOrigins'),
        consoleMessage: sim?.verdict.consoleMessage,
        route: sim ? routeName(sim) : undefined,
        origin: sim?.origin,
        hint: `List the origins your pages are served from in AllowOrigins (${site.property}), never '*' with credentials.`,
      });
    }
    return out;
  },
};
