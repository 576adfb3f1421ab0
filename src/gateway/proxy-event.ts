/**
 * The Lambda proxy integration event, payload format 1.0 (AWS docs: "Input format of a Lambda function
 * for proxy integration"): single- and multi-value headers and query strings, path parameters, the
 * request context. Maps with no entries are `null`, as API Gateway sends them.
 */

import { ownValue, setOwn } from './object-map.js';
import type { HeaderList } from './types.js';

export interface ProxyEventInput {
  resourcePath: string;
  httpMethod: string;
  /** The path without the stage (`/items/1`). */
  path: string;
  stage: string;
  query: string;
  headers: HeaderList;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string> | undefined;
  body: Uint8Array | undefined;
  base64: boolean;
  requestId: string;
  extendedRequestId: string;
  now: number;
  sourceIp: string;
  domainName: string;
  protocol: string;
  apiId: string;
  resourceId: string;
  apiKey: string | undefined;
  apiKeyId: string | undefined;
  authorizer: Record<string, unknown> | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `25/Nov/2026:12:00:00 +0000`, API Gateway's `requestTime`. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Query string → single- and multi-value maps (values percent-decoded, `+` as space). */
export function parseQuery(query: string): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  if (query === '') return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decode(part.slice(eq + 1));
    setOwn(single, name, value);
    const list = ownValue(multi, name);
    if (list) list.push(value);
    else setOwn(multi, name, [value]);
  }
  return Object.keys(single).length === 0 ? { single: null, multi: null } : { single, multi };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}

/** Request headers as Lambda events carry them: the last value of each name, and all of them in order. */
export function headerMaps(list: HeaderList): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of list) {
    setOwn(headers, name, value);
    const values = ownValue(multiValueHeaders, name);
    if (values) values.push(value);
    else setOwn(multiValueHeaders, name, [value]);
  }
  return { headers, multiValueHeaders };
}

export function buildProxyEvent(input: ProxyEventInput): Record<string, unknown> {
  const { headers, multiValueHeaders } = headerMaps(input.headers);
  const query = parseQuery(input.query);
  const hasHeaders = input.headers.length > 0;
  const userAgent = headerValue(input.headers, 'user-agent') ?? null;
  const hasParams = Object.keys(input.pathParameters).length > 0;
  let body: string | null = null;
  if (input.body && input.body.length > 0) {
    body = input.base64 ? toBase64(input.body) : new TextDecoder().decode(input.body);
  }
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: input.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent,
    user: null,
  };
  if (input.apiKey !== undefined) {
    identity.apiKey = input.apiKey;
    identity.apiKeyId = input.apiKeyId;
  }
  const requestContext: Record<string, unknown> = {
    resourceId: input.resourceId,
    resourcePath: input.resourcePath,
    httpMethod: input.httpMethod,
    extendedRequestId: input.extendedRequestId,
    requestTime: requestTime(input.now),
    path: `/${input.stage}${input.path}`,
    accountId: '123456789012',
    protocol: input.protocol,
    stage: input.stage,
    domainPrefix: input.domainName.split('.')[0].split(':')[0],
    requestTimeEpoch: input.now,
    requestId: input.requestId,
    identity,
    domainName: input.domainName,
    apiId: input.apiId,
  };
  if (input.authorizer) requestContext.authorizer = input.authorizer;
  return {
    resource: input.resourcePath,
    path: input.path,
    httpMethod: input.httpMethod,
    headers: hasHeaders ? headers : null,
    multiValueHeaders: hasHeaders ? multiValueHeaders : null,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: hasParams ? input.pathParameters : null,
    stageVariables:
      input.stageVariables && Object.keys(input.stageVariables).length > 0 ? input.stageVariables : null,
    requestContext,
    body,
    isBase64Encoded: input.base64,
  };
}

export function headerValue(headers: HeaderList, lowerName: string): string | undefined {
  let found: string | undefined;
  for (const [name, value] of headers) if (name.toLowerCase() === lowerName) found = value;
  return found;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Does a Content-Type match one of the API's binary media types (`image/png`, `image/*`, `*\/*`)? */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: string[]): boolean {
  if (!contentType || binaryMediaTypes.length === 0) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  const [major] = type.split('/');
  for (const raw of binaryMediaTypes) {
    // SAM writes `~1` for `/` in BinaryMediaTypes (JSON pointer escaping); API Gateway holds `/`.
    const t = raw.replaceAll('~1', '/').toLowerCase();
    if (t === '*/*' || t === type || t === `${major}/*`) return true;
  }
  return false;
}
