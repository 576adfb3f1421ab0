import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';
import { preflightMethods, routeName } from './util.js';

/**
 * An Access-Control-Allow-Origin that echoes the request's Origin without checking it grants every
 * website (the classic misconfiguration CORScanner and Corsy look for).
 */
export const originReflected: Rule = {
  code: 'CG117',
  name: 'origin-reflected',
  severity: 'error',
  summary:
    'Access-Control-Allow-Origin echoes the request Origin unchecked: every website may call the API and read its answers.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const api of ctx.deployment.apis)
      for (const { method } of preflightMethods(api))
        for (const h of method.mockHeaders) {
          if (h.name.toLowerCase() !== 'access-control-allow-origin' || typeof h.expression !== 'string')
            continue;
          if (!/^method\.request\.header\.origin$/i.test(h.expression)) continue;
          const key = `${h.pos?.line}:${h.pos?.col}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({
            code: this.code,
            rule: this.name,
            severity: this.severity,
            api: api.logicalId,
            message: `${api.logicalId}: AllowOrigin '${h.expression}' makes API Gateway echo any Origin; every website's pages pass the preflight.`,
            pos: h.pos,
            hint: 'Name the allowed origin ("\'https://app.example.com\'"), or answer preflights in a function that checks the origin against a list.',
          });
        }
    for (const [fnId, fn] of Object.entries(ctx.model.functions)) {
      // Behind an HTTP API with CorsConfiguration these headers are dropped (CG144 says so).
      if (ctx.handlerCorsIgnored?.(fnId)) continue;
      const h = ctx.handler(fnId);
      if (h?.kind !== 'dynamic' || !h.reflectsOrigin) continue;
      const sim = ctx.simulations.find(
        (s) => s.method.functionId === fnId && !s.expectedAllowed && s.verdict.allowed,
      );
      if (!sim) continue;
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: sim.api.logicalId,
        message: `${fnId} echoes the request Origin into Access-Control-Allow-Origin without checking it${h.line && h.file ? ` (${h.file.split('/').pop()}:${h.line})` : ''}: ${sim.origin} is granted.`,
        pos: posOf(fn.properties, 'Handler') ?? fn.pos,
        route: routeName(sim),
        origin: sim.origin,
        hint: 'Check the origin against your list first (crossgate/lambda withCors({ origins: [...] }) does).',
      });
    }
    return out;
  },
};
