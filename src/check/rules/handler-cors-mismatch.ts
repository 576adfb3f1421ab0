import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';
import { allowOriginOf } from './util.js';

/** The preflight (from Cors) allows one origin and the handler's answer names another. */
export const handlerCorsMismatch: Rule = {
  code: 'CG106',
  name: 'handler-cors-mismatch',
  severity: 'error',
  summary:
    "A handler's Access-Control-Allow-Origin disagrees with the API's Cors AllowOrigin: the preflight passes and the answer is blocked (or the reverse).",
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const api of ctx.deployment.apis) {
      const apiOrigin = allowOriginOf(ctx, api);
      if (apiOrigin === undefined) continue;
      for (const r of api.resources)
        for (const m of r.methods) {
          const h = m.functionId ? ctx.handler(m.functionId) : undefined;
          // Only a proxy integration passes the function's headers to the browser.
          if (
            !m.functionId ||
            m.integration !== 'aws_proxy' ||
            h?.kind !== 'literal' ||
            h.allowOrigin === undefined ||
            seen.has(m.functionId)
          )
            continue;
          if (h.allowOrigin === apiOrigin) continue;
          seen.add(m.functionId);
          const fn = ctx.model.functions[m.functionId];
          const sim = ctx.simulations.find((s) => s.method === m && s.expectedAllowed && !s.verdict.allowed);
          out.push({
            code: this.code,
            rule: this.name,
            severity: h.allowOrigin === '*' ? 'warning' : this.severity,
            api: api.logicalId,
            message: `${m.functionId} answers Access-Control-Allow-Origin: ${h.allowOrigin} but ${api.logicalId}'s Cors allows ${apiOrigin}${h.line && h.file ? ` (${h.file.split('/').pop()}:${h.line})` : ''}.`,
            pos: (fn && posOf(fn.properties, 'Handler')) ?? fn?.pos,
            consoleMessage: sim?.verdict.consoleMessage,
            route: `${m.method} ${r.path}`,
            origin: sim?.origin,
            hint: `Return the origin the API allows (${apiOrigin}), ideally from the same parameter, or use crossgate/lambda withCors with that origin.`,
          });
        }
    }
    return out;
  },
};
