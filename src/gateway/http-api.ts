/**
 * What API Gateway does with one request to an HTTP API (API Gateway v2, Lambda proxy integration):
 * the stage (`$default` at the root, a named stage under its name), the route (most specific match,
 * then `$default`), the authorizer (JWT, Lambda, IAM), the Lambda event in payload format 2.0 or 1.0,
 * the function's answer read per its format, and CORS from the CorsConfiguration: the preflight
 * answered by the gateway when no route takes it, the configured headers on every answer to an
 * allowed origin, the integration's own CORS headers dropped (see cors-config.ts for the sources and
 * for what AWS does not document). API Gateway's own errors are `{"message":"…"}` with the status
 * AWS documents: 404 Not Found, 401 Unauthorized, 403 Forbidden, 500 Internal Server Error
 * ("Troubleshooting issues with HTTP API Lambda integrations"), 503 for an integration timeout.
 */

import { emptyAuthorizer } from '../sam/http-api.js';
import type {
  DeployedHttpApi,
  DeployedHttpAuthorizer,
  DeployedMethod,
  DeployedResource,
} from '../sam/model.js';
import { DEFAULT_PATH } from '../sam/openapi.js';
import { AuthorizerCache } from './authorizers.js';
import {
  type CorsPolicy,
  compileCors,
  isPreflight,
  preflightHeaders,
  responseCorsHeaders,
  withoutCorsHeaders,
} from './cors-config.js';
import { decideHttp, identitySourceValues, lambdaAuthorizerEvent } from './http-authorizers.js';
import { compileHttpRouter, type HttpRouter } from './http-router.js';
import { apigwId, pseudoId } from './ids.js';
import { checkJwt, tokenOf, wwwAuthenticate } from './jwt.js';
import { headerValue } from './proxy-event.js';
import { buildHttpApiEventV1, buildProxyEventV2, type ProxyEventV2Input } from './proxy-event-v2.js';
import { readProxyResult } from './proxy-result.js';
import { readProxyResultV2 } from './proxy-result-v2.js';
import { LOCAL_IAM_AUTHORIZER, MAX_PAYLOAD_BYTES, withForwardedHeaders } from './request.js';
import { splitPath } from './router.js';
import type {
  ApiKindHandler,
  ApiMatch,
  GatewayContext,
  GatewayRequest,
  GatewayResponse,
  GatewayTrace,
  HeaderList,
  InvokeOutcome,
} from './types.js';

const IAM_AUTHORIZER = emptyAuthorizer('AWS_IAM', 'AWS_IAM', undefined);

/** HTTP APIs' maximum integration timeout (AWS docs: "Amazon API Gateway quotas", HTTP APIs: 30 s). */
export const HTTP_INTEGRATION_TIMEOUT_MS = 30_000;

/** How long a Lambda authorizer may take (same quotas page: "Timeout for Lambda authorizer response", 10000 ms). */
export const LAMBDA_AUTHORIZER_TIMEOUT_MS = 10_000;

interface CompiledHttpApi {
  api: DeployedHttpApi;
  router: HttpRouter;
  cors: CorsPolicy | undefined;
  apiId: string;
}

/**
 * What the gateway says for each of its own errors: the body is `{"message":"…"}`, with no
 * content-type (the 401 of "Troubleshooting issues with HTTP API JWT authorizers" carries
 * Content-Length, www-authenticate and apigw-requestid only; so does the 503 quoted in
 * cortexlabs/cortex#1225). The 413's words are not documented for HTTP APIs.
 */
const MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function createHttpApis(apis: DeployedHttpApi[], ctx: GatewayContext): ApiKindHandler {
  const { options, now, newRequestId } = ctx;
  const cache = new AuthorizerCache();
  const compiled: CompiledHttpApi[] = apis.map((api, i) => ({
    api,
    router: compileHttpRouter(api.resources),
    cors: api.cors && !api.cors.unresolved ? compileCors(api.cors, 'http') : undefined,
    apiId: pseudoId(api.logicalId, 100 + i),
  }));

  function answer(
    c: CompiledHttpApi | undefined,
    status: number,
    req: GatewayRequest,
    trace: GatewayTrace,
    reason: string,
    extra: HeaderList = [],
  ): GatewayResponse {
    const headers: HeaderList = [...extra];
    // The CORS configuration applies to the gateway's own answers too. Not documented; seen for a
    // preflight an ANY route's JWT authorizer refused with 401: Chromium reported "It does not have
    // HTTP ok status" (sst/sst#5493), a check it makes only once the CORS headers have passed.
    if (c?.cors) headers.push(...responseCorsHeaders(c.cors, req));
    headers.push(['apigw-requestid', apigwId()]);
    trace.kind = 'gateway-response';
    trace.responseType = MESSAGES[status]?.toUpperCase().replaceAll(' ', '_');
    trace.reason = reason;
    return { status, headers, body: JSON.stringify({ message: MESSAGES[status] ?? 'Error' }), trace };
  }

  function traceFor(c: CompiledHttpApi): GatewayTrace {
    return {
      requestId: newRequestId(),
      kind: 'gateway-response',
      api: { kind: 'http', logicalId: c.api.logicalId },
    };
  }

  function preflight(c: CompiledHttpApi, req: GatewayRequest): GatewayResponse {
    const trace = traceFor(c);
    const cors = c.cors!;
    const headers = preflightHeaders(cors, req);
    const origin = headerValue(req.headers, 'origin');
    trace.kind = 'mock';
    trace.reason =
      headers.length > 0
        ? `API Gateway answered the preflight itself from ${c.api.logicalId}'s CorsConfiguration`
        : `API Gateway answered the preflight itself: ${JSON.stringify(origin)} is not in ${c.api.logicalId}'s AllowOrigins; crossgate answers it with no CORS headers (API Gateway's answer is not documented)`;
    headers.push(['apigw-requestid', apigwId()]);
    return { status: cors.preflightStatus, headers, body: '', trace };
  }

  async function handle(
    c: CompiledHttpApi,
    req: GatewayRequest,
    resource: DeployedResource,
    method: DeployedMethod,
    params: Record<string, string>,
    routeKey: string,
  ): Promise<GatewayResponse> {
    const started = now();
    const trace = traceFor(c);
    trace.resource = resource;
    trace.method = method;
    const requestId = trace.requestId;
    const bodyBytes = req.bodyTooLarge ?? req.body?.length ?? 0;
    if (bodyBytes > MAX_PAYLOAD_BYTES)
      return answer(
        c,
        413,
        req,
        trace,
        `the body is ${req.bodyTooLarge === undefined ? '' : 'at least '}${bodyBytes} bytes; API Gateway accepts at most 10 MB and never invokes the function`,
      );
    const stage = c.api.stageName;
    const rawPath = req.path;
    const path =
      stage !== DEFAULT_PATH && options.stagePrefix ? `/${splitPath(req.path).slice(1).join('/')}` : req.path;
    const routeArn = `arn:aws:execute-api:us-east-1:123456789012:${c.apiId}/${stage}/${req.method}${path}`;
    const eventInput: ProxyEventV2Input = {
      routeKey,
      httpMethod: req.method,
      rawPath,
      query: req.query,
      headers: withForwardedHeaders(req, requestId),
      pathParameters: params,
      stage,
      stageVariables: undefined,
      body: req.body,
      requestId,
      now: started,
      sourceIp: req.sourceIp,
      domainName: req.domainName,
      protocol: req.protocol ?? 'HTTP/1.1',
      apiId: c.apiId,
      authorizer: undefined,
    };

    if (method.authorizer) {
      const name = method.authorizer;
      const a = c.api.authorizers[name] ?? (name === 'AWS_IAM' ? IAM_AUTHORIZER : undefined);
      if (!a) return answer(c, 500, req, trace, `authorizer ${name} is not defined on ${c.api.logicalId}`);
      const verdict = await authorize(
        c,
        a,
        method,
        req,
        trace,
        routeArn,
        routeKey,
        resource,
        path,
        stage,
        eventInput,
        started,
      );
      if ('response' in verdict) return verdict.response;
      eventInput.authorizer = verdict.context;
    }

    if (method.integration !== 'aws_proxy')
      return answer(
        c,
        500,
        req,
        trace,
        method.target?.service
          ? `the AWS service integration ${method.target.service} is not modelled by crossgate`
          : `${method.integration} integrations are not modelled by crossgate`,
      );
    if (!method.functionId)
      return answer(c, 500, req, trace, 'the integration invokes a function that is not in this template');
    const version = method.payloadFormatVersion ?? '2.0';
    const event =
      version === '1.0'
        ? buildHttpApiEventV1({ ...eventInput, resourcePath: resource.path, path })
        : buildProxyEventV2(eventInput);
    trace.kind = 'proxy';
    trace.functionId = method.functionId;
    trace.event = event;
    const fnTimeout = (options.functionTimeouts?.[method.functionId] ?? 3) * 1000;
    const integrationMs = Math.min(
      HTTP_INTEGRATION_TIMEOUT_MS,
      method.timeoutMs ?? HTTP_INTEGRATION_TIMEOUT_MS,
    );
    const timeoutMs = Math.min(integrationMs, fnTimeout);
    const outcome = await options.invoke(method.functionId, event, requestId, timeoutMs, integrationMs);
    trace.outcome = outcome;
    if (!outcome.ok) {
      // Waiting for one of crossgate's environments (Lambda would have started another) counts against
      // the integration's timeout too.
      if (outcome.kind === 'waited')
        return answer(
          c,
          503,
          req,
          trace,
          `${method.functionId} did not answer within ${integrationMs / 1000} s: ${outcome.message}`,
        );
      // The integration's timeout is API Gateway's (503); a function stopped at its own Timeout first is a
      // function error (500), as for any error the function returns.
      if (outcome.kind === 'timeout' && timeoutMs < fnTimeout)
        return answer(c, 503, req, trace, `${method.functionId} did not answer within ${timeoutMs / 1000} s`);
      return answer(
        c,
        500,
        req,
        trace,
        `${method.functionId} failed (${outcome.kind}): ${outcome.errorType}: ${outcome.message}`,
      );
    }
    trace.result = outcome.value;
    const result =
      version === '1.0'
        ? readProxyResult(outcome.value)
        : readProxyResultV2(outcome.value, { stringBody: 'raw' });
    if (!result.ok) return answer(c, 500, req, trace, `Malformed Lambda proxy response: ${result.reason}`);
    let headers = result.headers;
    if (c.cors) {
      const { kept, dropped } = withoutCorsHeaders(headers);
      headers = kept;
      if (dropped.length > 0)
        trace.reason = `API Gateway dropped the function's own ${dropped.join(', ')}: with CorsConfiguration it sends the configured CORS headers instead`;
      headers.push(...responseCorsHeaders(c.cors, req));
    }
    if (!headers.some(([n]) => n.toLowerCase() === 'content-type'))
      headers.push(['content-type', 'application/json']);
    headers.push(['apigw-requestid', apigwId()]);
    return { status: result.status, headers, body: result.body, trace };
  }

  async function authorize(
    c: CompiledHttpApi,
    a: DeployedHttpAuthorizer,
    method: DeployedMethod,
    req: GatewayRequest,
    trace: GatewayTrace,
    routeArn: string,
    routeKey: string,
    resource: DeployedResource,
    path: string,
    stage: string,
    eventInput: ProxyEventV2Input,
    started: number,
  ): Promise<{ response: GatewayResponse } | { context: Record<string, unknown> | undefined }> {
    const fail = (status: number, reason: string, extra: HeaderList = []) => ({
      response: answer(c, status, req, trace, `authorizer ${a.name}: ${reason}`, extra),
    });
    if (a.type === 'AWS_IAM') {
      // AWS docs ("Using IAM authorization"): requests must be signed with Signature Version 4.
      const auth = headerValue(req.headers, 'authorization');
      if (!auth?.startsWith('AWS4-HMAC-SHA256'))
        return fail(403, 'the route uses AWS_IAM and the request is not signed (SigV4)');
      trace.reason = 'AWS_IAM: the SigV4 signature is not verified locally';
      return { context: LOCAL_IAM_AUTHORIZER };
    }
    const identity = identitySourceValues(a.identitySource, req, { routeKey, stage });
    if (!identity.ok) return fail(401, `the request has no ${identity.missing}`);
    if (a.type === 'JWT') {
      const scopes = method.authorizationScopes.filter((s): s is string => typeof s === 'string');
      const result = await checkJwt(tokenOf(identity.values[0]), {
        issuer: a.issuer,
        audience: a.audience,
        scopes,
        nowMs: started,
        jwks: options.jwks,
      });
      if (!result.ok)
        return fail(result.status, result.description, [
          ['www-authenticate', wwwAuthenticate(result, scopes)],
        ]);
      if (!result.signatureChecked) trace.reason = 'JWT signature not verified (no --jwks file)';
      return { context: { jwt: { claims: result.claims, scopes: result.scopes } } };
    }
    if (!a.functionId) return fail(500, 'the authorizer invokes a function that is not in this template');
    const cacheKey = `${c.api.logicalId}\u0000${a.name}\u0000${identity.values.join('\u0000')}`;
    let outcome: InvokeOutcome | undefined = a.ttlSeconds > 0 ? cache.get(cacheKey, started) : undefined;
    if (!outcome) {
      const event = lambdaAuthorizerEvent(a, {
        routeArn,
        routeKey,
        identity: identity.values,
        event: buildProxyEventV2(eventInput),
        req,
        resourcePath: resource.path,
        path,
        stage,
      });
      outcome = await options.invoke(
        a.functionId,
        event,
        trace.requestId,
        Math.min(LAMBDA_AUTHORIZER_TIMEOUT_MS, (options.functionTimeouts?.[a.functionId] ?? 3) * 1000),
      );
      if (outcome.ok) cache.set(cacheKey, outcome, a.ttlSeconds, started);
    }
    const d = decideHttp(a, outcome, routeArn);
    if (d.kind === 'allow')
      return { context: { lambda: d.context, ...(d.principalId ? { principalId: d.principalId } : {}) } };
    if (d.kind === 'unauthorized') return fail(401, d.reason);
    if (d.kind === 'forbidden') return fail(403, d.reason);
    return fail(500, d.reason);
  }

  /** The path below the API's stage, or undefined when the request is not for that stage. */
  function belowStage(c: CompiledHttpApi, segments: string[]): string[] | undefined {
    if (!options.stagePrefix || c.api.stageName === DEFAULT_PATH) return segments;
    return segments[0] === c.api.stageName ? segments.slice(1) : undefined;
  }

  return {
    match(req) {
      const segments = splitPath(req.path);
      let candidate: ApiMatch | undefined;
      for (const c of compiled) {
        const segs = belowStage(c, segments);
        if (!segs) continue;
        const m = c.router.match(req.method, segs);
        if (m)
          return {
            exact: true,
            handle: () => handle(c, req, m.resource, m.method, m.pathParameters, m.routeKey),
          };
        if (!candidate && c.cors && isPreflight(req))
          candidate = { exact: false, handle: async () => preflight(c, req) };
      }
      return candidate;
    },
    fallback: async (req) => {
      // The API the request was for, when only one could be (each has its own host on AWS): its
      // 404 carries its CORS headers, as its other answers do.
      const segments = splitPath(req.path);
      const owners = compiled.filter((c) => belowStage(c, segments) !== undefined);
      const owner = owners.length === 1 ? owners[0] : undefined;
      const names = (owner ? [owner] : compiled).map((c) => c.api.logicalId).join(', ');
      const trace: GatewayTrace = {
        requestId: newRequestId(),
        kind: 'gateway-response',
        api: { kind: 'http', logicalId: names },
      };
      return answer(owner, 404, req, trace, `no route of ${names} matches ${req.method} ${req.path}`);
    },
  };
}
