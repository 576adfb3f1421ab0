import { noIntentFinding } from '../intent.js';
import type { Finding, Rule } from '../types.js';

/**
 * An API nothing shows pages on other origins call: no Cors, no Access-Control-Allow-Origin in its
 * OpenAPI, its handlers or its gateway responses, no --origin, no configured origins. A browser judges
 * only what a page sends, so its CORS is not judged; one line says so, and how to declare intent.
 */
export const noCorsIntent: Rule = {
  code: 'CG121',
  name: 'no-cors-intent',
  severity: 'info',
  summary:
    'Nothing shows that pages on other origins call this API: it is not callable from them, and its CORS is not judged.',
  fixable: false,
  everyApi: true,
  check(ctx) {
    const out: Finding[] = [];
    // An API whose methods were not read (a note says why) is not said to be uncallable.
    const d = ctx.deployment;
    for (const api of [...d.apis, ...(d.httpApis ?? []), ...(d.functionUrls ?? [])])
      if (ctx.isJudged && !ctx.isJudged(api) && api.resources.length > 0)
        out.push(
          noIntentFinding(
            api.logicalId,
            api.kind === 'http' ? 'HTTP API' : api.kind === 'function-url' ? 'Function URL' : 'REST API',
            api.pos,
          ),
        );
    return out;
  },
};
