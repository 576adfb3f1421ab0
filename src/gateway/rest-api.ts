/**
 * What API Gateway does with one request to a REST API: route, stage, authorizer, API key, mock,
 * Lambda proxy or another integration (integration.ts), gateway responses. Pure apart from the `invoke`
 * it is given; the HTTP server and the Lambda runtime live outside.
 */
import type { DeployedApi, DeployedMethod, DeployedResource } from '../sam/model.js';
import { type ApiKey, ApiKeyStore } from './api-keys.js';
import { AuthorizerCache, authorizerEvent, decide, identityOf } from './authorizers.js';
import {
  gatewayResponseBody,
  type PreparedGatewayResponse,
  prepareGatewayResponses,
} from './gateway-responses.js';
import { apigwId, pseudoId, traceId } from './ids.js';
import {
  backendUrl,
  type IntegrationAnswer,
  type IntegrationFailure,
  integrationAnswer,
  lambdaIntegrationAnswer,
  offlineBackend,
} from './integration.js';
import { buildProxyEvent, headerValue, isBinaryMediaType } from './proxy-event.js';
import { readProxyResult } from './proxy-result.js';
import { MAX_PAYLOAD_BYTES, withForwardedHeaders } from './request.js';
import { readRequestReference, requestReference } from './request-reference.js';
import { compileRouter, type Router, splitPath } from './router.js';
import type {
  ApiKindHandler,
  GatewayContext,
  GatewayRequest,
  GatewayResponse,
  GatewayTrace,
  HeaderList,
  InvokeOutcome,
} from './types.js';

/** API Gateway's maximum integration timeout for REST APIs (AWS docs: "Amazon API Gateway quotas"). */
export const INTEGRATION_TIMEOUT_MS = 29_000;
/** The body SAM's CORS mock integration answers with (responseTemplates application/json `{}\n`). */
const MOCK_BODY = '{}\n';

interface CompiledApi {
  api: DeployedApi;
  stage: string;
  router: Router;
  responses: Map<string, PreparedGatewayResponse>;
  apiId: string;
}

/** REST APIs' request handling; the API keys they accept. */
export function createRestApis(
  apis: DeployedApi[],
  ctx: GatewayContext,
  apiKeys: ApiKey[],
): ApiKindHandler & { keys: ApiKey[] } {
  const { options, now, newRequestId } = ctx;
  const keys = new ApiKeyStore(apiKeys);
  const cache = new AuthorizerCache();
  const compiled: CompiledApi[] = apis.map((api, i) => ({
    api,
    stage: api.stageName ?? 'Prod',
    router: compileRouter(api.resources),
    responses: prepareGatewayResponses(api.gatewayResponses),
    apiId: pseudoId(api.logicalId, i),
  }));

  function gatewayAnswer(
    c: CompiledApi | undefined,
    type: string,
    req: GatewayRequest,
    trace: GatewayTrace,
    reason: string,
  ): GatewayResponse {
    const prepared = (c ?? compiled[0])?.responses.get(type) ?? prepareGatewayResponses([]).get(type)!;
    const headers: HeaderList = [['content-type', 'application/json']];
    for (const h of prepared.headers) headers.push(h);
    for (const d of prepared.dynamic) {
      const v = readRequestReference(d, req);
      if (v !== undefined) headers.push([d.name, v]);
    }
    headers.push(
      ['x-amzn-RequestId', trace.requestId],
      ['x-amzn-ErrorType', prepared.errorType],
      ['x-amz-apigw-id', apigwId()],
    );
    trace.kind = 'gateway-response';
    trace.responseType = type;
    trace.reason = reason;
    return { status: prepared.status, headers, body: gatewayResponseBody(prepared, trace), trace };
  }

  interface Target {
    c: CompiledApi;
    resource: DeployedResource;
    method: DeployedMethod | undefined;
    params: Record<string, string>;
    segments: string[];
  }

  /** The REST API resource (and method) a request reaches, if any. */
  function route(req: GatewayRequest): Target | undefined {
    const segments = splitPath(req.path);
    let target: Target | undefined;
    for (const c of compiled) {
      let segs = segments;
      if (options.stagePrefix) {
        if (segs[0] !== c.stage) continue;
        segs = segs.slice(1);
      }
      const match = c.router.match(req.method, segs);
      if (match && (match.method || !target)) {
        target = {
          c,
          resource: match.resource,
          method: match.method,
          params: match.pathParameters,
          segments: segs,
        };
        if (match.method) break;
      }
    }
    return target;
  }

  async function handle(req: GatewayRequest, target: Target | undefined): Promise<GatewayResponse> {
    const started = now();
    const requestId = newRequestId();
    const trace: GatewayTrace = { requestId, kind: 'gateway-response' };
    const segments = target?.segments ?? splitPath(req.path);
    const bodyBytes = req.bodyTooLarge ?? req.body?.length ?? 0;
    if (bodyBytes > MAX_PAYLOAD_BYTES)
      return gatewayAnswer(
        target?.c,
        'REQUEST_TOO_LARGE',
        req,
        trace,
        `the body is ${req.bodyTooLarge === undefined ? '' : 'at least '}${bodyBytes} bytes; API Gateway accepts at most 10 MB (${MAX_PAYLOAD_BYTES} bytes) and never invokes the function`,
      );
    if (!target?.method) {
      const why = !target
        ? `no resource matches ${req.path}`
        : `${target.resource.path} has no ${req.method} method${req.method === 'OPTIONS' ? ' (no CORS preflight: the API has no Cors, or this path is outside it)' : ''}`;
      return gatewayAnswer(target?.c, 'MISSING_AUTHENTICATION_TOKEN', req, trace, why);
    }
    const { c, resource, method, params } = target;
    trace.resource = resource;
    trace.method = method;
    const path = `/${segments.join('/')}`;
    const methodArn = `arn:aws:execute-api:us-east-1:123456789012:${c.apiId}/${c.stage}/${req.method}${path}`;

    // Authorization comes before the API key (AWS docs: "Control access to REST APIs").
    let authorizerContext: Record<string, unknown> | undefined;
    if (method.authorizer && method.authorizer !== 'NONE') {
      const verdict = await authorize(c, resource, method, req, path, params, methodArn, requestId, started);
      if (verdict.response) return verdict.response(trace);
      authorizerContext = verdict.context;
    }
    let apiKey: ApiKey | undefined;
    if (method.apiKeyRequired && c.api.apiKeySource !== 'AUTHORIZER') {
      const presented = headerValue(req.headers, 'x-api-key');
      apiKey = keys.find(presented);
      if (!apiKey)
        return gatewayAnswer(
          c,
          'INVALID_API_KEY',
          req,
          trace,
          presented === undefined
            ? `${req.method} ${resource.path} requires an API key and the request has no x-api-key header${method.corsPreflight ? ' — a browser never sends one on a preflight' : ''}`
            : `${req.method} ${resource.path} requires an API key and x-api-key names no key of this API`,
        );
      trace.apiKeyId = apiKey.id;
    }

    if (method.integration === 'mock') return mockAnswer(method, req, trace);
    if (method.integration !== 'aws_proxy') return otherIntegration(c, method, req, params, trace);
    if (!method.functionId)
      return gatewayAnswer(
        c,
        'LAMBDA_ERROR',
        req,
        trace,
        'the integration invokes a function that is not in this template',
      );

    const contentType = headerValue(req.headers, 'content-type');
    const event = buildProxyEvent({
      resourcePath: resource.path,
      httpMethod: req.method,
      path,
      stage: c.stage,
      query: req.query,
      headers: withForwardedHeaders(req, requestId),
      pathParameters: params,
      stageVariables: undefined,
      body: req.body,
      base64: isBinaryMediaType(contentType, c.api.binaryMediaTypes),
      requestId,
      extendedRequestId: apigwId(),
      now: started,
      sourceIp: req.sourceIp,
      domainName: req.domainName,
      protocol: req.protocol ?? 'HTTP/1.1',
      apiId: c.apiId,
      resourceId: c.apiId.slice(0, 6),
      apiKey: apiKey?.value,
      apiKeyId: apiKey?.id,
      authorizer: authorizerContext,
    });
    trace.kind = 'proxy';
    trace.functionId = method.functionId;
    trace.event = event;
    const timeoutSeconds = options.functionTimeouts?.[method.functionId] ?? 3;
    const timeoutMs = Math.min(INTEGRATION_TIMEOUT_MS, timeoutSeconds * 1000);
    const outcome = await options.invoke(
      method.functionId,
      event,
      requestId,
      timeoutMs,
      INTEGRATION_TIMEOUT_MS,
    );
    trace.outcome = outcome;
    if (!outcome.ok) {
      // An event that waited 29 s for one of crossgate's environments (Lambda would have started
      // another) is past the integration timeout as surely as one that ran that long.
      if (outcome.kind === 'waited')
        return gatewayAnswer(
          c,
          'INTEGRATION_TIMEOUT',
          req,
          trace,
          `${method.functionId} did not answer within API Gateway's ${INTEGRATION_TIMEOUT_MS / 1000} s integration timeout: ${outcome.message}`,
        );
      // Only API Gateway's own limit is its 504: a function stopped at its own Timeout is a Lambda
      // function error, which API Gateway answers 502 (AWS Lambda docs: "Handling Lambda errors with an
      // API Gateway API"; API Gateway quotas: 29 s integration timeout).
      if (outcome.kind === 'timeout' && timeoutMs >= INTEGRATION_TIMEOUT_MS)
        return gatewayAnswer(
          c,
          'INTEGRATION_TIMEOUT',
          req,
          trace,
          `${method.functionId} did not answer within API Gateway's ${INTEGRATION_TIMEOUT_MS / 1000} s integration timeout`,
        );
      if (outcome.kind === 'timeout')
        return gatewayAnswer(
          c,
          'LAMBDA_ERROR',
          req,
          trace,
          `${method.functionId} ran past its Timeout (${timeoutMs / 1000} s): ${outcome.errorType}: ${outcome.message}`,
        );
      return gatewayAnswer(
        c,
        'LAMBDA_ERROR',
        req,
        trace,
        `${method.functionId} failed (${outcome.kind}): ${outcome.errorType}: ${outcome.message}`,
      );
    }
    trace.result = outcome.value;
    const result = readProxyResult(outcome.value);
    if (!result.ok)
      return gatewayAnswer(
        c,
        'LAMBDA_ERROR',
        req,
        trace,
        `Malformed Lambda proxy response: ${result.reason}`,
      );
    const headers: HeaderList = result.headers;
    if (!headers.some(([n]) => n.toLowerCase() === 'content-type'))
      headers.push(['content-type', 'application/json']);
    headers.push(
      ['x-amzn-RequestId', requestId],
      ['x-amz-apigw-id', apigwId()],
      ['X-Amzn-Trace-Id', traceId(started)],
    );
    return { status: result.status, headers, body: result.body, trace };
  }

  function mockAnswer(method: DeployedMethod, req: GatewayRequest, trace: GatewayTrace): GatewayResponse {
    const headers: HeaderList = [['content-type', 'application/json']];
    for (const h of method.mockHeaders) {
      if (h.value !== undefined) {
        headers.push([h.name, h.value]);
        continue;
      }
      // A mapping expression that reads the request (`method.request.header.Origin`) reflects it, as
      // API Gateway would; `check` flags it.
      const ref = requestReference(h.expression);
      const v = ref ? readRequestReference(ref, req) : undefined;
      if (v !== undefined) headers.push([h.name, v]);
    }
    headers.push(['x-amzn-RequestId', trace.requestId], ['x-amz-apigw-id', apigwId()]);
    trace.kind = 'mock';
    trace.reason = method.corsPreflight
      ? 'the OPTIONS method SAM generated from Cors (mock integration)'
      : 'mock integration';
    return { status: method.mockStatus ?? 200, headers, body: MOCK_BODY, trace };
  }

  /** HTTP, HTTP_PROXY, AWS service and Lambda non-proxy integrations (src/gateway/integration.ts). */
  async function otherIntegration(
    c: CompiledApi,
    method: DeployedMethod,
    req: GatewayRequest,
    params: Record<string, string>,
    trace: GatewayTrace,
  ): Promise<GatewayResponse> {
    const kind = method.integration;
    let answer: IntegrationAnswer | IntegrationFailure;
    if (kind === 'aws' && method.functionId) {
      const timeoutMs = Math.min(
        INTEGRATION_TIMEOUT_MS,
        (options.functionTimeouts?.[method.functionId] ?? 3) * 1000,
      );
      // Without a mapping template API Gateway passes the JSON body through as the event.
      let event: unknown = {};
      const text = req.body ? new TextDecoder().decode(req.body) : '';
      try {
        event = text ? JSON.parse(text) : {};
      } catch {
        event = text;
      }
      trace.functionId = method.functionId;
      trace.event = event;
      const outcome = await options.invoke(
        method.functionId,
        event,
        trace.requestId,
        timeoutMs,
        INTEGRATION_TIMEOUT_MS,
      );
      trace.outcome = outcome;
      if (!outcome.ok && (outcome.kind === 'timeout' || outcome.kind === 'waited'))
        return gatewayAnswer(
          c,
          'INTEGRATION_TIMEOUT',
          req,
          trace,
          `${method.functionId} did not answer in time${outcome.kind === 'waited' ? `: ${outcome.message}` : ''}`,
        );
      answer = lambdaIntegrationAnswer(
        method,
        req,
        outcome.ok ? outcome : { ok: false, message: outcome.message },
        `${method.functionId} (Lambda, non-proxy)`,
      );
    } else if ((kind === 'aws' || kind === 'http' || kind === 'http_proxy') && method.target) {
      const url = backendUrl(method.target, params, req.query, kind === 'http_proxy');
      const via = kind === 'aws' ? `the ${method.target.service ?? 'AWS'} service` : (url ?? 'the backend');
      const outcome = await (options.callBackend ?? offlineBackend)({
        kind,
        api: c.api,
        method,
        target: method.target,
        httpMethod:
          method.target.httpMethod && method.target.httpMethod !== 'ANY'
            ? method.target.httpMethod
            : req.method,
        url,
        headers: kind === 'http_proxy' ? req.headers.filter(([n]) => n.toLowerCase() !== 'host') : [],
        body: req.body,
        timeoutMs: INTEGRATION_TIMEOUT_MS,
      });
      answer = integrationAnswer(method, req, outcome, via);
    } else {
      return gatewayAnswer(
        c,
        'API_CONFIGURATION_ERROR',
        req,
        trace,
        `${method.integration} integrations are not modelled by crossgate`,
      );
    }
    if ('gatewayResponse' in answer)
      return gatewayAnswer(c, answer.gatewayResponse, req, trace, answer.reason);
    answer.headers.push(['x-amzn-RequestId', trace.requestId], ['x-amz-apigw-id', apigwId()]);
    trace.kind = 'integration';
    trace.reason = answer.reason;
    return { status: answer.status, headers: answer.headers, body: answer.body, trace };
  }

  async function authorize(
    c: CompiledApi,
    resource: DeployedResource,
    method: DeployedMethod,
    req: GatewayRequest,
    path: string,
    params: Record<string, string>,
    methodArn: string,
    requestId: string,
    started: number,
  ): Promise<{ response?: (trace: GatewayTrace) => GatewayResponse; context?: Record<string, unknown> }> {
    const name = method.authorizer!;
    const fail = (type: string, reason: string) => ({
      response: (trace: GatewayTrace) => gatewayAnswer(c, type, req, trace, reason),
    });
    if (name === 'AWS_IAM') {
      const auth = headerValue(req.headers, 'authorization');
      if (!auth?.startsWith('AWS4-HMAC-SHA256'))
        return fail(
          'MISSING_AUTHENTICATION_TOKEN',
          'the method uses AWS_IAM authorization and the request is not signed (SigV4)',
        );
      return { context: undefined };
    }
    const a = c.api.authorizers[name];
    if (!a)
      return fail(
        'AUTHORIZER_CONFIGURATION_ERROR',
        `authorizer ${name} is not defined on ${c.api.logicalId}`,
      );
    // One description of the request for the identity sources and, on a cache miss, the event.
    const request = {
      methodArn,
      // The resource's template (`/items/{id}`), as in API Gateway's REQUEST authorizer input.
      resourcePath: resource.path,
      path,
      httpMethod: req.method,
      headers: req.headers,
      query: req.query,
      pathParameters: params,
      stage: c.stage,
      requestContext: {
        path: `/${c.stage}${path}`,
        stage: c.stage,
        requestId,
        httpMethod: req.method,
        apiId: c.apiId,
      },
    };
    const identity = identityOf(a, request);
    if (!identity.ok)
      return fail('UNAUTHORIZED', `authorizer ${name}: the request has no ${identity.missing}`);
    if (a.type === 'COGNITO_USER_POOLS' || a.type === 'AWS_IAM') {
      // A Cognito token cannot be verified without AWS: a present token is accepted, and said so.
      return { context: { claims: {} } };
    }
    if (!a.functionId)
      return fail(
        'AUTHORIZER_CONFIGURATION_ERROR',
        `authorizer ${name} invokes a function that is not in this template`,
      );
    const cacheKey = `${name}\u0000${identity.key}`;
    let outcome: InvokeOutcome | undefined = a.ttlSeconds > 0 ? cache.get(cacheKey, started) : undefined;
    if (!outcome) {
      const event = authorizerEvent(a, request, identity.token);
      outcome = await options.invoke(
        a.functionId,
        event,
        requestId,
        Math.min(INTEGRATION_TIMEOUT_MS, (options.functionTimeouts?.[a.functionId] ?? 3) * 1000),
      );
      if (outcome.ok || (outcome.kind === 'error' && outcome.message === 'Unauthorized'))
        cache.set(cacheKey, outcome, a.ttlSeconds, started);
    }
    const decision = decide(outcome, methodArn);
    if (decision.kind === 'allow')
      return { context: { principalId: decision.principalId, ...decision.context } };
    if (decision.kind === 'unauthorized')
      return fail('UNAUTHORIZED', `authorizer ${name}: ${decision.reason}`);
    if (decision.kind === 'deny') return fail('ACCESS_DENIED', `authorizer ${name}: ${decision.reason}`);
    return fail('AUTHORIZER_CONFIGURATION_ERROR', `authorizer ${name}: ${decision.reason}`);
  }

  return {
    keys: keys.keys,
    match(req) {
      const target = route(req);
      if (!target) return undefined;
      return { exact: target.method !== undefined, handle: () => handle(req, target) };
    },
    fallback: (req) => handle(req, undefined),
  };
}
