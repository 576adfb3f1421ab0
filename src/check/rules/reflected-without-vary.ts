import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';

/**
 * An answer whose Access-Control-Allow-Origin depends on the request's Origin must say `Vary: Origin`
 * (Fetch §3.2.4 "CORS protocol and HTTP caches"), or a cache serves one origin's answer to another.
 */
export const reflectedWithoutVary: Rule = {
  code: 'CG116',
  name: 'reflected-without-vary',
  severity: 'warning',
  summary:
    'Access-Control-Allow-Origin depends on the request Origin but the answer has no Vary: Origin: caches mix origins up.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const [fnId, fn] of Object.entries(ctx.model.functions)) {
      // Behind an HTTP API with CorsConfiguration these headers are dropped (CG144 says so).
      if (ctx.handlerCorsIgnored?.(fnId)) continue;
      const h = ctx.handler(fnId);
      // A value the same for every request (ALLOWED_ORIGIN from the environment) does not vary by Origin.
      if (h?.kind !== 'dynamic' || h.setsVary || h.perRequest === false) continue;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        message: `${fnId} computes Access-Control-Allow-Origin per request${h.line && h.file ? ` (${h.file.split('/').pop()}:${h.line})` : ''} and sends no Vary: Origin.`,
        pos: posOf(fn.properties, 'Handler') ?? fn.pos,
        hint: "Add 'Vary': 'Origin' to every response (crossgate/lambda does it).",
      });
    }
    return out;
  },
};
