import { posOf } from '../../template/parse.js';
import type { Finding, Rule } from '../types.js';
import { corsHandlers, corsSites } from './platform-cors.js';
import { blockedRequest, routeName } from './util.js';

/**
 * A Function URL with Cors whose handler sends Access-Control-Allow-Origin too: Lambda adds its own
 * beside the function's, and Chromium refuses the answer ("The 'Access-Control-Allow-Origin' header
 * contains multiple values …", aws-powertools/powertools-lambda-python#4163; awslabs
 * hummingbird-examples#130). Lambda's documentation says the configured headers take precedence;
 * the two values are what browsers were seen to receive.
 */
export const urlHandlerCorsDuplicated: Rule = {
  code: 'CG145',
  name: 'url-handler-cors-duplicated',
  severity: 'error',
  summary:
    'A Function URL with Cors whose handler also sends Access-Control-Allow-Origin: the answer carries two values and the browser refuses it.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const site of corsSites(ctx)) {
      if (site.api.kind !== 'function-url') continue;
      for (const id of corsHandlers(ctx, site.api)) {
        const fn = ctx.model.functions[id];
        const sim = blockedRequest(ctx, (s) => s.api === site.api && s.verdict.failedStep === 'actual');
        out.push({
          code: this.code,
          rule: this.name,
          severity: this.severity,
          api: site.api.logicalId,
          message: `${id} sends Access-Control-Allow-Origin itself and ${site.label} has Cors: Lambda adds its own beside it, and the browser refuses an answer with two values.`,
          pos: (fn && posOf(fn.properties, 'Handler')) ?? fn?.pos,
          consoleMessage: sim?.verdict.consoleMessage,
          route: sim ? routeName(sim) : undefined,
          origin: sim?.origin,
          hint: `Keep one: remove the CORS headers from ${id} (the URL's Cors answers every request, preflights included), or remove Cors from FunctionUrlConfig and let the handler answer preflights too.`,
        });
      }
    }
    return out;
  },
};
