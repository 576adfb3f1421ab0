import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';

/**
 * `*` never satisfies a credentialed request (Fetch §3.2.5, CORS protocol and credentials). SAM refuses
 * AllowCredentials with a '*' origin at transform (fixture error_cors_credentials_true_with_wildcard_origin),
 * which `check` reports through this rule too; a handler can still send the pair by hand.
 */
export const wildcardWithCredentials: Rule = {
  code: 'CG109',
  name: 'wildcard-with-credentials',
  severity: 'error',
  summary:
    "Access-Control-Allow-Origin '*' with Access-Control-Allow-Credentials: true: browsers refuse every credentialed request.",
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const [fnId, fn] of Object.entries(ctx.model.functions)) {
      // Behind an HTTP API with CorsConfiguration these headers are dropped (CG144 says so).
      if (ctx.handlerCorsIgnored?.(fnId)) continue;
      const h = ctx.handler(fnId);
      if (h?.kind === 'literal' && h.allowOrigin === '*' && h.allowCredentials)
        out.push({
          code: this.code,
          rule: this.name,
          severity: this.severity,
          message: `${fnId} answers Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true; a browser rejects that for every request with credentials.`,
          pos: posOf(fn.properties, 'Handler') ?? fn.pos,
          hint: 'Echo one checked origin instead of * (crossgate/lambda withCors({ origins: [...], credentials: true }) does it and refuses * with credentials).',
        });
    }
    return out;
  },
};
