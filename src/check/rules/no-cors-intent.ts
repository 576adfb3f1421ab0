import type { DeployedEndpoint } from '../../sam/model.js';
import { isRestApi } from '../endpoints.js';
import { noIntentFinding } from '../intent.js';
import type { CheckContext, Finding, Rule } from '../types.js';
import { fewOf } from './util.js';

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
            unseenAnswers(ctx, api),
          ),
        );
    return out;
  },
};

/**
 * The routes whose answers the template does not show: an HTTP_PROXY backend passes its own through
 * (an ECS service with Express's cors() answers every origin), and a handler crossgate does not read
 * (a runtime it does not read, a file it did not find, a function outside the template) may set the
 * header. Said plainly: "GET /, ANY /{proxy+} pass an HTTP backend's answer through".
 */
function unseenAnswers(ctx: CheckContext, api: DeployedEndpoint): string | undefined {
  const proxied: string[] = [];
  const unread: string[] = [];
  for (const r of api.resources)
    for (const m of r.methods) {
      const route = `${m.method} ${r.path}`;
      if (m.integration === 'http_proxy') proxied.push(route);
      else if (m.integration === 'aws_proxy' || !isRestApi(api)) {
        const h = m.functionId ? ctx.handler(m.functionId) : undefined;
        if (!m.functionId || h === undefined || h.kind === 'unknown') unread.push(route);
      }
    }
  const parts: string[] = [];
  if (proxied.length > 0)
    parts.push(`${fewOf(proxied)} pass${proxied.length === 1 ? 'es' : ''} an HTTP backend's answer through`);
  if (unread.length > 0)
    parts.push(
      `${fewOf(unread)} ${unread.length === 1 ? 'runs a handler' : 'run handlers'} crossgate does not read`,
    );
  return parts.length > 0 ? parts.join(', and ') : undefined;
}
