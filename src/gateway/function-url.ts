/**
 * What Lambda does with one request to a Function URL (Lambda docs: "Invoking Lambda function URLs",
 * "Creating and managing Lambda function URLs"): every method and path reaches the function with a
 * payload format 2.0 event (`routeKey` and `stage` are `$default`); its answer is read as 2.0, a bare
 * string JSON-encoded; with `Cors` configured Lambda answers the preflight itself and adds the
 * configured headers to the function's answers (see cors-config.ts for the sources, and what is
 * observed where the documentation is silent). `AuthType: AWS_IAM` needs SigV4-signed requests;
 * locally it is not enforced, and every answer's trace says so.
 */
import type { DeployedFunctionUrl } from '../sam/model.js';
import { compileCors, isPreflight, preflightHeaders, responseCorsHeaders } from './cors-config.js';
import { pseudoId } from './ids.js';
import { headerValue } from './proxy-event.js';
import { buildProxyEventV2 } from './proxy-event-v2.js';
import { readProxyResultV2 } from './proxy-result-v2.js';
import { LOCAL_IAM_AUTHORIZER, withForwardedHeaders } from './request.js';
import type {
  ApiKindHandler,
  GatewayContext,
  GatewayRequest,
  GatewayResponse,
  GatewayTrace,
  HeaderList,
} from './types.js';

/** Lambda's synchronous payload limit (AWS docs: "Lambda quotas", 6 MB request). */
export const FUNCTION_URL_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export function createFunctionUrl(url: DeployedFunctionUrl, ctx: GatewayContext): ApiKindHandler {
  const { options, now, newRequestId } = ctx;
  const cors = url.cors && !url.cors.unresolved ? compileCors(url.cors, 'function-url') : undefined;
  const urlId = pseudoId(url.logicalId, 200).replace(/[^a-z0-9]/g, 'x');
  const resource = url.resources[0];
  const method = resource.methods[0];
  const iamNote =
    url.authType === 'AWS_IAM' ? 'AuthType AWS_IAM is not enforced locally (no SigV4 check)' : undefined;

  // Lambda's own errors are not documented; 502 with `Internal Server Error` is what it is reported to
  // send for a function error or a malformed answer (awsdocs/aws-lambda-developer-guide#430,
  // swift-cloud/swift-cloud#16). Its content-type is not reported either.
  function error(
    status: number,
    req: GatewayRequest,
    trace: GatewayTrace,
    reason: string,
    body: string,
  ): GatewayResponse {
    const headers: HeaderList = [['content-type', 'application/json']];
    if (cors) headers.push(...responseCorsHeaders(cors, req));
    headers.push(['x-amzn-RequestId', trace.requestId]);
    trace.kind = 'gateway-response';
    trace.reason = iamNote ? `${reason}; ${iamNote}` : reason;
    return { status, headers, body, trace };
  }

  async function handle(req: GatewayRequest): Promise<GatewayResponse> {
    const started = now();
    const trace: GatewayTrace = {
      requestId: newRequestId(),
      kind: 'gateway-response',
      api: { kind: 'function-url', logicalId: url.logicalId },
      resource,
      method,
    };
    if (cors && isPreflight(req)) {
      const headers = preflightHeaders(cors, req);
      trace.kind = 'mock';
      trace.reason =
        headers.length > 0
          ? `Lambda answered the preflight itself from ${url.logicalId}'s Cors`
          : `Lambda answered the preflight itself: ${JSON.stringify(headerValue(req.headers, 'origin'))} is not in ${url.logicalId}'s AllowOrigins; crossgate answers it with no CORS headers (Lambda's answer is not documented)`;
      headers.push(['x-amzn-RequestId', trace.requestId]);
      return { status: cors.preflightStatus, headers, body: '', trace };
    }
    if ((req.bodyTooLarge ?? req.body?.length ?? 0) > FUNCTION_URL_MAX_PAYLOAD_BYTES)
      return error(
        413,
        req,
        trace,
        `the body is ${req.bodyTooLarge === undefined ? '' : 'at least '}${req.bodyTooLarge ?? req.body?.length} bytes; Lambda accepts at most 6 MB`,
        '{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}',
      );
    const event = buildProxyEventV2({
      routeKey: '$default',
      httpMethod: req.method,
      rawPath: req.path,
      query: req.query,
      headers: withForwardedHeaders(req, trace.requestId),
      pathParameters: {},
      stage: '$default',
      stageVariables: undefined,
      body: req.body,
      requestId: trace.requestId,
      now: started,
      sourceIp: req.sourceIp,
      domainName: req.domainName,
      protocol: req.protocol ?? 'HTTP/1.1',
      apiId: urlId,
      authorizer: url.authType === 'AWS_IAM' ? LOCAL_IAM_AUTHORIZER : undefined,
    });
    trace.kind = 'proxy';
    trace.functionId = url.functionId;
    trace.event = event;
    if (iamNote) trace.reason = iamNote;
    const timeoutMs = (options.functionTimeouts?.[url.functionId] ?? 3) * 1000;
    const outcome = await options.invoke(url.functionId, event, trace.requestId, timeoutMs);
    trace.outcome = outcome;
    if (!outcome.ok)
      return error(
        502,
        req,
        trace,
        `${url.functionId} failed (${outcome.kind}): ${outcome.errorType}: ${outcome.message}`,
        'Internal Server Error',
      );
    trace.result = outcome.value;
    const result = readProxyResultV2(outcome.value, { stringBody: 'json' });
    if (!result.ok)
      return error(502, req, trace, `Malformed response: ${result.reason}`, 'Internal Server Error');
    const headers = result.headers;
    if (cors) headers.push(...responseCorsHeaders(cors, req));
    headers.push(['x-amzn-RequestId', trace.requestId]);
    return { status: result.status, headers, body: result.body, trace };
  }

  return {
    match: (req) => ({ exact: true, handle: () => handle(req) }),
    fallback: (req) => handle(req),
  };
}
