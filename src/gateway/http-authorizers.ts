/**
 * Lambda authorizers of HTTP APIs (AWS docs: "Working with AWS Lambda authorizers for HTTP APIs"):
 * identity sources are required — a request without one gets 401 and the function is not invoked;
 * the event is payload format 2.0 (`routeArn`, `identitySource` as a list) or 1.0 (`methodArn`, like
 * a REST REQUEST authorizer); the answer is a simple response (`isAuthorized`, with simple
 * responses enabled) or an IAM policy for the route ARN. Allowed: the context reaches the
 * integration as `requestContext.authorizer.lambda`. "If API Gateway can't invoke your Lambda
 * authorizer, or your Lambda authorizer returns a response in an invalid format, clients receive a
 * 500" (same page, Troubleshooting); an authorizer gets 10 s ("Amazon API Gateway quotas").
 * Answers are cached by identity for `authorizerResultTtlInSeconds` ("uses the authorizer's identity
 * sources as the cache key"). Not documented for HTTP APIs, modelled as for REST APIs: a denial
 * (`isAuthorized: false`, a Deny policy) is 403 Forbidden, an error "Unauthorized" is 401.
 */
import type { DeployedHttpAuthorizer } from '../sam/model.js';
import { decide } from './authorizers.js';
import { ownValue } from './object-map.js';
import { headerMaps, headerValue, parseQuery } from './proxy-event.js';
import type { GatewayRequest, InvokeOutcome } from './types.js';

export type HttpAuthorizerDecision =
  | { kind: 'allow'; context: Record<string, unknown>; principalId?: string }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'error'; reason: string };

/** The values of the authorizer's identity sources in a request, or the first one missing. */
export function identitySourceValues(
  sources: string[],
  req: GatewayRequest,
  context: Record<string, string>,
): { ok: true; values: string[] } | { ok: false; missing: string } {
  const values: string[] = [];
  const query = parseQuery(req.query).single ?? {};
  for (const source of sources) {
    let v: string | undefined;
    if (source.startsWith('$request.header.')) v = headerValue(req.headers, source.slice(16).toLowerCase());
    else if (source.startsWith('$request.querystring.')) v = ownValue(query, source.slice(21));
    else if (source.startsWith('$context.')) v = context[source.slice(9)];
    else if (source.startsWith('$stageVariables.')) v = undefined;
    if (v === undefined || v === '') return { ok: false, missing: source };
    values.push(v);
  }
  return { ok: true, values };
}

export interface LambdaAuthorizerRequest {
  routeArn: string;
  routeKey: string;
  identity: string[];
  /** The 2.0 integration event of the request, minus body: the authorizer event is built from it. */
  event: Record<string, unknown>;
  req: GatewayRequest;
  resourcePath: string;
  path: string;
  stage: string;
}

export function lambdaAuthorizerEvent(
  a: DeployedHttpAuthorizer,
  r: LambdaAuthorizerRequest,
): Record<string, unknown> {
  if (a.payloadFormatVersion === '1.0') {
    const { headers, multiValueHeaders } = headerMaps(r.req.headers);
    const q = parseQuery(r.req.query);
    return {
      version: '1.0',
      type: 'REQUEST',
      methodArn: r.routeArn,
      identitySource: r.identity.join(','),
      authorizationToken: r.identity.join(','),
      resource: r.resourcePath,
      path: r.path,
      httpMethod: r.req.method,
      headers,
      multiValueHeaders,
      queryStringParameters: q.single ?? {},
      multiValueQueryStringParameters: q.multi ?? {},
      pathParameters: (r.event.pathParameters as Record<string, string> | undefined) ?? {},
      stageVariables: {},
      requestContext: r.event.requestContext,
    };
  }
  const { body: _body, isBase64Encoded: _b64, version: _v, ...rest } = r.event;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: r.routeArn,
    identitySource: r.identity,
    ...rest,
    routeKey: r.routeKey,
  };
}

/** Reads what a Lambda authorizer returned (a simple response or an IAM policy) for one route ARN. */
export function decideHttp(
  a: DeployedHttpAuthorizer,
  outcome: InvokeOutcome,
  routeArn: string,
): HttpAuthorizerDecision {
  if (!outcome.ok) {
    if (outcome.kind === 'error' && outcome.message === 'Unauthorized')
      return { kind: 'unauthorized', reason: 'the authorizer threw "Unauthorized"' };
    return { kind: 'error', reason: `the authorizer failed: ${outcome.errorType}: ${outcome.message}` };
  }
  const v = outcome.value as Record<string, unknown> | null;
  if (a.simpleResponses && a.payloadFormatVersion !== '1.0') {
    if (!v || typeof v !== 'object' || typeof v.isAuthorized !== 'boolean')
      return {
        kind: 'error',
        reason: 'the authorizer has simple responses enabled and returned no boolean isAuthorized',
      };
    if (!v.isAuthorized) return { kind: 'forbidden', reason: 'the authorizer answered isAuthorized: false' };
    const context = v.context && typeof v.context === 'object' ? (v.context as Record<string, unknown>) : {};
    return { kind: 'allow', context };
  }
  const d = decide(outcome, routeArn);
  if (d.kind === 'allow') {
    // HTTP APIs pass the context as the function returned it (the REST decision makes it strings).
    const raw = v?.context && typeof v.context === 'object' ? (v.context as Record<string, unknown>) : {};
    return { kind: 'allow', context: raw, principalId: d.principalId };
  }
  if (d.kind === 'deny') return { kind: 'forbidden', reason: d.reason };
  if (d.kind === 'unauthorized') return { kind: 'unauthorized', reason: d.reason };
  return { kind: 'error', reason: d.reason };
}
