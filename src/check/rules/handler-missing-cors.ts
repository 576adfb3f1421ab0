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
    // A handler that writes the header on some paths and builds other responses without it (an error
    // path): the browser hides those answers, and the page sees a CORS error instead of, say, the 500.
    for (const fn of Object.values(ctx.model.functions)) {
      const h = ctx.handler(fn.logicalId);
      if (!h?.uncoveredReturns?.length || seen.has(fn.logicalId)) continue;
      const first = h.uncoveredReturns[0];
      const where = `${h.file ? h.file.split('/').slice(-2).join('/') : fn.handler}:${first.line}`;
      const status = first.status !== undefined ? `statusCode ${first.status}` : 'a response';
      const more = h.uncoveredReturns.length > 1 ? ` (and ${h.uncoveredReturns.length - 1} more)` : '';
      out.push({
        code: this.code,
        rule: this.name,
        severity: 'warning',
        message: `${fn.logicalId} returns ${status} without Access-Control-Allow-Origin (${where})${more}, though it sends the header elsewhere: the browser hides that answer from the page, which sees a CORS error instead.`,
        pos: posOf(fn.properties, 'Handler') ?? fn.pos,
        hint: 'Build every response with the same headers, errors included (one helper that adds them, as examples/guide-python/src/app.py does).',
      });
    }
    return out;
  },
};
