import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';
import { corsHandlers, corsSites } from './platform-cors.js';

/**
 * A handler behind an HTTP API with a CorsConfiguration that sends CORS headers itself: "If you
 * configure CORS for an API, API Gateway ignores CORS headers returned from your backend
 * integration" (AWS docs: "Configuring CORS for an HTTP API"). The code never reaches a browser, and
 * misleads whoever reads it about which origins are allowed.
 */
export const httpHandlerCorsIgnored: Rule = {
  code: 'CG144',
  name: 'http-handler-cors-ignored',
  severity: 'warning',
  summary:
    'A handler behind an HTTP API with CorsConfiguration sends CORS headers itself: API Gateway drops them, so the code misleads.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const site of corsSites(ctx)) {
      if (site.api.kind !== 'http') continue;
      for (const id of corsHandlers(ctx, site.api)) {
        if (seen.has(id)) continue;
        seen.add(id);
        const h = ctx.handler(id)!;
        const fn = ctx.model.functions[id];
        const where =
          h.file && h.line ? ` (${h.file.split('/').pop()}:${h.line})` : h.library ? ` (${h.library})` : '';
        const says =
          h.kind === 'literal' && h.allowOrigin !== undefined
            ? ` Access-Control-Allow-Origin: ${h.allowOrigin}`
            : ' CORS headers';
        const differs =
          h.kind === 'literal' &&
          h.allowOrigin !== undefined &&
          !site.cors.allowOrigins.includes(h.allowOrigin)
            ? `; browsers get AllowOrigins [${site.cors.allowOrigins.join(', ')}] instead`
            : '';
        out.push({
          code: this.code,
          rule: this.name,
          severity: this.severity,
          api: site.api.logicalId,
          message: `${id} sends${says}${where}, but ${site.label} has a CorsConfiguration: API Gateway drops the function's CORS headers and sends the configured ones${differs}.`,
          pos: (fn && posOf(fn.properties, 'Handler')) ?? fn?.pos,
          hint: `Remove the CORS headers from ${id}'s answers; CorsConfiguration is the one place that decides.`,
        });
      }
    }
    return out;
  },
};
