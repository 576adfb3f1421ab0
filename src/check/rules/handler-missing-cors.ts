import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';
import { routeName } from './util.js';

/**
 * With Lambda proxy integration API Gateway adds no CORS header to the function's answer (AWS docs:
 * "Enable CORS for a REST API resource": "you must return the headers from the function"); without
 * Access-Control-Allow-Origin the browser hides the response (Fetch §4.9 CORS check).
 */
export const handlerMissingCors: Rule = {
  code: 'CG105',
  name: 'handler-missing-cors',
  severity: 'error',
  summary:
    'A Lambda proxy handler returns no Access-Control-Allow-Origin: the browser blocks every answer it gives.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const s of ctx.simulations) {
      const fnId = s.method.functionId;
      if (
        !fnId ||
        s.method.integration !== 'aws_proxy' ||
        seen.has(fnId) ||
        !s.expectedAllowed ||
        s.verdict.allowed ||
        s.verdict.failedStep !== 'actual'
      )
        continue;
      const h = ctx.handler(fnId);
      if (h?.kind !== 'none') continue;
      const res = s.verdict.actual?.response;
      if (!res || res.headers.some(([n]) => n.toLowerCase() === 'access-control-allow-origin')) continue;
      if (res.headers.some(([n]) => n.toLowerCase() === 'x-amzn-errortype')) continue;
      seen.add(fnId);
      const fn = ctx.model.functions[fnId];
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: s.api.logicalId,
        message: `${fnId} (${h.file ? h.file.split('/').slice(-2).join('/') : fn?.handler}) returns no Access-Control-Allow-Origin; API Gateway does not add it to Lambda proxy responses, so the browser blocks ${s.method.method} ${s.resource.path}.`,
        pos: (fn && posOf(fn.properties, 'Handler')) ?? fn?.pos,
        consoleMessage: s.verdict.consoleMessage,
        route: routeName(s),
        origin: s.origin,
        hint: "Wrap the handler: `export const handler = withCors({ origins: ['<origin>'] }, async (event) => …)` from crossgate/lambda, or return the header on every path, errors included.",
      });
    }
    return out;
  },
};
