import { type RuntimeFamily, runtimeFamily } from '../../runtime/family.js';
import type { DeployedEndpoint } from '../../sam/model.js';
import { posOf } from '../../template/parse.js';
import { isPlatformEndpoint } from '../endpoints.js';
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
        (s.verdict.failedStep !== 'actual' && s.verdict.failedStep !== 'preflight')
      )
        continue;
      const h = ctx.handler(fnId);
      if (h?.kind !== 'none') continue;
      // An HTTP API's CorsConfiguration or a Function URL's Cors adds the header for the origins it
      // lists: the handler is right to send none, and a page it leaves out is not the handler's doing.
      if (isPlatformEndpoint(s.api) && s.api.cors) continue;
      // Without one, the function answers the preflight too (an ANY or $default route, a Function URL):
      // its answer without the header fails it, the same defect.
      const preflight = s.verdict.failedStep === 'preflight';
      if (preflight && !(isPlatformEndpoint(s.api) && (s.verdict.preflight?.response.status ?? 0) < 300))
        continue;
      const res = preflight ? s.verdict.preflight?.response : s.verdict.actual?.response;
      if (!res || res.headers.some(([n]) => n.toLowerCase() === 'access-control-allow-origin')) continue;
      if (res.headers.some(([n]) => n.toLowerCase() === 'x-amzn-errortype')) continue;
      seen.add(fnId);
      const fn = ctx.model.functions[fnId];
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: s.api.logicalId,
        message: `${fnId} (${h.file ? h.file.split('/').slice(-2).join('/') : fn?.handler}) returns no Access-Control-Allow-Origin, and ${nobodyAdds(s.api)}: the browser blocks ${preflight ? `the preflight of ${s.method.method} ${s.resource.path}, and the request is never sent` : `${s.method.method} ${s.resource.path}`}.`,
        pos: (fn && posOf(fn.properties, 'Handler')) ?? fn?.pos,
        consoleMessage: s.verdict.consoleMessage,
        route: routeName(s),
        origin: s.origin,
        hint: handlerHint(s.api, runtimeFamily(fn?.runtime)),
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

/**
 * The fix, in the handler's own language: crossgate/lambda is a Node.js library, so a Python (or
 * provided.*) handler is told to return the header itself.
 */
function handlerHint(api: DeployedEndpoint, family: RuntimeFamily): string {
  const node = family === 'node';
  if (isPlatformEndpoint(api)) {
    const platform = `Give ${api.kind === 'http' ? `HTTP API ${api.logicalId} a CorsConfiguration` : `Function URL ${api.logicalId} a Cors`}: ${api.kind === 'http' ? 'API Gateway' : 'Lambda'} then answers the preflight and adds the header.`;
    return node
      ? `${platform} Or wrap the handler: \`export const handler = withCorsV2({ origins: ['<origin>'] }, async (event) => …)\` from crossgate/lambda (payload format 2.0), which answers the preflight too.`
      : `${platform} Or answer the preflight (OPTIONS) in the handler and return Access-Control-Allow-Origin on every response, errors included.`;
  }
  if (node)
    return "Wrap the handler: `export const handler = withCors({ origins: ['<origin>'] }, async (event) => …)` from crossgate/lambda, or return the header on every path, errors included.";
  if (family === 'python')
    return 'Return the header on every path, errors included: `"headers": {"Access-Control-Allow-Origin": "<origin>"}` in each response dict, from one helper that builds them (as examples/guide-python/src/app.py does).';
  return 'Return Access-Control-Allow-Origin in the headers of every response the function gives, errors included.';
}

/** Why nothing else puts the header on the function's answer, as each kind of API has it. */
function nobodyAdds(api: DeployedEndpoint): string {
  if (api.kind === 'http') return `HTTP API ${api.logicalId} has no CorsConfiguration to add it`;
  if (api.kind === 'function-url') return `Function URL ${api.logicalId} has no Cors to add it`;
  return 'API Gateway adds none to a Lambda proxy answer';
}
