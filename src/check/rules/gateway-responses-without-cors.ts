import type { Finding, Rule } from '../types.js';
import { allowOriginOf, apiPropertyPath, preflightMethods } from './util.js';

/**
 * API Gateway's own errors (missing key, authorizer denial, throttling, 502, 504) carry CORS headers
 * only when GatewayResponses add them (AWS docs: "Gateway response types"; "Setting up gateway
 * responses to customize error responses"). Without them the browser reports a CORS error and hides
 * the real status.
 */
export const gatewayResponsesWithoutCors: Rule = {
  code: 'CG107',
  name: 'gateway-responses-without-cors',
  severity: 'warning',
  summary:
    "API Gateway's own 4XX/5XX answers carry no Access-Control-Allow-Origin: the browser hides the real error behind a CORS message.",
  fixable: true,
  check(ctx) {
    const out: Finding[] = [];
    for (const api of ctx.deployment.apis) {
      const assumed = ctx.corsAssumed?.(api) ?? false;
      if (preflightMethods(api).length === 0 && !assumed) continue;
      const model = ctx.apiModel(api);
      // With the Cors CG104 adds still to come, the origin is the one it would allow (an --origin given).
      const pages = assumed && ctx.userOrigins.length === 1 ? ctx.origins(api) : [];
      const origin = allowOriginOf(ctx, api) ?? (pages.length === 1 ? pages[0] : undefined);
      // An AllowOrigin written with an intrinsic (!Sub "'${Origin}'") is copied as written, so the
      // gateway responses follow the parameter as the Cors does.
      const written = model?.cors?.allowOrigin?.raw;
      const value = written !== undefined && typeof written !== 'string' ? written : `'${origin}'`;
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
        const r = api.gatewayResponses.find((g) => g.type === type);
        if (r?.headers.some((h) => h.name.toLowerCase() === 'access-control-allow-origin')) continue;
        const what =
          type === 'DEFAULT_4XX'
            ? 'a missing API key (403), an authorizer denial (401/403), an unknown path (403)'
            : "a failing handler (502), API Gateway's 29 s timeout (504)";
        const sim = ctx.simulations.find(
          (s) =>
            s.api === api &&
            s.verdict.actual?.response.headers.some(([n]) => n.toLowerCase() === 'x-amzn-errortype') &&
            !s.verdict.allowed,
        );
        // A key or an authorizer makes API Gateway's own 4XX answers part of every day's traffic:
        // without CORS on them, the page sees only "CORS error" for a wrong key or an expired token.
        const guarded = api.resources.some((res) =>
          res.methods.some((m) => m.apiKeyRequired || (m.authorizer && m.authorizer !== 'NONE')),
        );
        out.push({
          code: this.code,
          rule: this.name,
          severity: type === 'DEFAULT_4XX' && guarded ? 'error' : this.severity,
          api: api.logicalId,
          message: `${api.logicalId}: ${type} has no Access-Control-Allow-Origin, so the browser shows a CORS error instead of ${what}.`,
          pos: r?.pos ?? model?.gatewayResponses?.pos ?? model?.pos ?? api.pos,
          consoleMessage: type === 'DEFAULT_4XX' ? sim?.verdict.consoleMessage : undefined,
          fix:
            model && model.kind !== 'cloudformation' && origin !== undefined && !origin.includes(',')
              ? {
                  description: `add Access-Control-Allow-Origin: '${origin}' to ${type}`,
                  edits: [
                    {
                      kind: 'set-path',
                      path: apiPropertyPath(
                        model,
                        'GatewayResponses',
                        type,
                        'ResponseParameters',
                        'Headers',
                        'Access-Control-Allow-Origin',
                      ),
                      value,
                    },
                  ],
                }
              : undefined,
          hint: `Add GatewayResponses: { ${type}: { ResponseParameters: { Headers: { Access-Control-Allow-Origin: "'<origin>'" } } } } to the API.`,
        });
      }
    }
    return out;
  },
};
