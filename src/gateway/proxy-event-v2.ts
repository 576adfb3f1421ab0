/**
 * The Lambda event in payload format 2.0 (AWS docs: "Working with AWS Lambda proxy integrations for
 * HTTP APIs", Payload format version; Lambda docs "Invoking Lambda function URLs", Request payload
 * format): no multi-value maps — repeated headers and query strings are joined with commas; the
 * Cookie header becomes `cookies`; header names in lower case; fields with nothing to say are left out.
 */
import { ownValue, setOwn } from './object-map.js';
import { buildProxyEvent, headerValue, requestTime, toBase64 } from './proxy-event.js';
import type { HeaderList } from './types.js';

export interface ProxyEventV2Input {
  /** `GET /items/{id}`, or `$default` (also every Function URL's). */
  routeKey: string;
  httpMethod: string;
  /** The path as requested, stage included for a named stage (`rawPath`, `requestContext.http.path`). */
  rawPath: string;
  query: string;
  headers: HeaderList;
  pathParameters: Record<string, string>;
  stage: string;
  stageVariables: Record<string, string> | undefined;
  body: Uint8Array | undefined;
  requestId: string;
  now: number;
  sourceIp: string;
  domainName: string;
  protocol: string;
  apiId: string;
  authorizer: Record<string, unknown> | undefined;
}

/**
 * Bodies HTTP APIs and Function URLs pass as text; any other body is base64-encoded with
 * isBase64Encoded: true. The documents say only "If the content type of the request is binary, the
 * body is base64-encoded" (Lambda docs, "Invoking Lambda function URLs"); the split was measured on
 * an HTTP API (ministackorg/ministack#766): text for `text/*`, `application/json`, `application/xml`
 * and `application/javascript`, base64 for everything else, a missing Content-Type and
 * `application/x-www-form-urlencoded` included (also seen in denoland/deno_registry2#33). It is the
 * list ALB documents for its Lambda targets.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const t = contentType.split(';')[0].trim().toLowerCase();
  return (
    t.startsWith('text/') ||
    t === 'application/json' ||
    t === 'application/xml' ||
    t === 'application/javascript'
  );
}

export function buildProxyEventV2(input: ProxyEventV2Input): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  let contentType: string | undefined;
  let userAgent = '';
  for (const [rawName, value] of input.headers) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      for (const c of value.split(';')) if (c.trim()) cookies.push(c.trim());
      continue;
    }
    if (name === 'content-type') contentType = value;
    if (name === 'user-agent') userAgent = value;
    const before = ownValue(headers, name);
    setOwn(headers, name, before === undefined ? value : `${before},${value}`);
  }
  const query: Record<string, string> = {};
  for (const part of input.query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decode(part.slice(eq + 1));
    const before = ownValue(query, name);
    setOwn(query, name, before === undefined ? value : `${before},${value}`);
  }
  const requestContext: Record<string, unknown> = {
    accountId: '123456789012',
    apiId: input.apiId,
    domainName: input.domainName,
    domainPrefix: input.domainName.split('.')[0].split(':')[0],
    http: {
      method: input.httpMethod,
      path: input.rawPath,
      protocol: input.protocol,
      sourceIp: input.sourceIp,
      userAgent,
    },
    requestId: input.requestId,
    routeKey: input.routeKey,
    stage: input.stage,
    time: requestTime(input.now),
    timeEpoch: input.now,
  };
  if (input.authorizer) requestContext.authorizer = input.authorizer;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.query,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  event.requestContext = requestContext;
  if (input.body && input.body.length > 0) {
    const text = isTextContentType(contentType);
    event.body = text ? new TextDecoder().decode(input.body) : toBase64(input.body);
    event.isBase64Encoded = !text;
  } else event.isBase64Encoded = false;
  if (Object.keys(input.pathParameters).length > 0) event.pathParameters = input.pathParameters;
  if (input.stageVariables && Object.keys(input.stageVariables).length > 0)
    event.stageVariables = input.stageVariables;
  return event;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}

/**
 * An HTTP API's event in payload format 1.0 (the 1.0 example of the same page): REST's shape with
 * `version` and `routeKey` added, and what the example and its notes show differently — "Header names
 * are lowercased", `requestContext.path` is the path as requested (`/my/path` on the `$default`
 * stage, no stage inserted), `resourceId` is null, and a JWT authorizer's result is
 * `authorizer.claims` and `authorizer.scopes` (2.0 nests them under `jwt`). Bodies are base64-encoded
 * by the same rule as 2.0 (HTTP APIs have no binary media types setting).
 */
export function buildHttpApiEventV1(
  input: ProxyEventV2Input & { resourcePath: string; path: string },
): Record<string, unknown> {
  const headers: HeaderList = input.headers.map(([name, value]) => [name.toLowerCase(), value]);
  const jwt = input.authorizer?.jwt as Record<string, unknown> | undefined;
  const event = buildProxyEvent({
    resourcePath: input.resourcePath,
    httpMethod: input.httpMethod,
    path: input.path,
    stage: input.stage,
    query: input.query,
    headers,
    pathParameters: input.pathParameters,
    stageVariables: input.stageVariables,
    body: input.body,
    base64:
      input.body !== undefined &&
      input.body.length > 0 &&
      !isTextContentType(headerValue(headers, 'content-type')),
    requestId: input.requestId,
    extendedRequestId: input.requestId,
    now: input.now,
    sourceIp: input.sourceIp,
    domainName: input.domainName,
    protocol: input.protocol,
    apiId: input.apiId,
    resourceId: '',
    apiKey: undefined,
    apiKeyId: undefined,
    authorizer: jwt ? { claims: jwt.claims, scopes: jwt.scopes } : input.authorizer,
  });
  const requestContext = event.requestContext as Record<string, unknown>;
  requestContext.path = input.rawPath;
  requestContext.resourceId = null;
  return { version: '1.0', routeKey: input.routeKey, ...event };
}
