// Reading the request's CORS headers and writing the policy's answer into a proxy result.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type CorsOptions, type CorsPolicy, toPolicy } from './policy.js';

/** The part of a proxy event this library reads (so tests and other event shapes fit too). */
export interface CorsEvent {
  /** Payload format 1.0 (REST APIs; HTTP APIs on 1.0). */
  httpMethod?: string;
  /** Payload format 2.0 (HTTP APIs, Function URLs) names the method here. */
  requestContext?: object;
  headers?: APIGatewayProxyEvent['headers'] | null;
  multiValueHeaders?: APIGatewayProxyEvent['multiValueHeaders'] | null;
}

/**
 * A request header by lower-case name, case-insensitively, from `headers`, or from
 * `multiValueHeaders` when the event has no `headers` (API Gateway fills both from the same request).
 * Values sent more than once are joined with commas, so a doubled `Origin`, which no browser sends,
 * never matches an origin.
 */
export const requestHeader = (event: CorsEvent, name: string): string | undefined => {
  const map = event.headers ?? event.multiValueHeaders;
  // The length test first spares a lower-cased copy of every other header name.
  for (const key in map) if (key.length === name.length && key.toLowerCase() === name) return '' + map![key];
};

/** The request's `Origin` header value, if any (API Gateway keeps the spelling the client sent). */
export const requestOrigin = (event: CorsEvent): string | undefined => requestHeader(event, 'origin');

/**
 * Whether a request with this method is a CORS preflight (Fetch standard, CORS-preflight request):
 * OPTIONS with an `Origin` and an `Access-Control-Request-Method`. Any other OPTIONS request belongs
 * to the handler. The method is passed apart: each payload format keeps it elsewhere.
 */
export const preflightWith = (
  method: string | undefined,
  event: CorsEvent,
  origin: string | undefined,
): boolean => !!(method === 'OPTIONS' && origin && requestHeader(event, 'access-control-request-method'));

/** The request method of a proxy event, payload format 1.0 (`httpMethod`) or 2.0 (`requestContext.http.method`). */
export const methodOf = (event: CorsEvent): string | undefined =>
  event.httpMethod ?? (event.requestContext as { http?: { method?: string } } | undefined)?.http?.method;

/** Whether the request is a CORS preflight, in either payload format (see {@link preflightWith}). */
export const isPreflight = (event: CorsEvent, origin = requestOrigin(event)): boolean =>
  preflightWith(methodOf(event), event, origin);

/**
 * The CORS response headers for this request under this policy (preflight or not), for handlers
 * that build their responses themselves. Pass a policy built once with `corsPolicy`: options are
 * accepted but compiled on every call.
 */
export const corsHeaders = (event: CorsEvent, policy: CorsPolicy | CorsOptions): Record<string, string> => {
  const origin = requestOrigin(event);
  return toPolicy(policy).headers(origin, isPreflight(event, origin));
};

/** `Vary` already covers Origin when it lists `Origin` or is `*`. */
const VARIES = /(^|,) *(origin|\*) *(,|$)/i;

/**
 * The proxy result with the policy's headers (from `CorsPolicy.headers`) merged in, as a new object:
 * the handler's result is never changed (it may be a constant shared between requests). The rules:
 * - every `Access-Control-*` header belongs to the policy: the handler's, in `headers` or
 *   `multiValueHeaders`, in any letter case, are dropped, and the policy's are set in `headers`;
 * - `Vary` is merged: the handler's `Vary` values (from either map, in any letter case) become one
 *   `Vary` in `headers`, with `Origin` appended when the policy needs it and they do not already list
 *   `Origin` or `*`;
 * - every other header is kept where and as the handler set it.
 */
export const mergeCors = (
  result: APIGatewayProxyResult,
  cors: Record<string, string>,
): APIGatewayProxyResult => {
  let vary = '';
  // biome-ignore lint/suspicious/noExplicitAny: the same copy serves both header maps
  const copy = (map: Record<string, unknown> | undefined): any => {
    const out: Record<string, unknown> = {};
    // One test for the usual header; Access-Control-* is dropped, Vary collected.
    for (const key in map)
      if (!/^(access-control-|vary$)/i.test(key)) out[key] = map[key];
      else if (/^v/i.test(key)) vary += ',' + map[key];
    return out;
  };
  // Built key by key: V8 is slow to add a key to an object made by spreading another.
  const out = Object.assign({}, result);
  if (result.multiValueHeaders) out.multiValueHeaders = copy(result.multiValueHeaders);
  const headers: Record<string, string> = copy(result.headers);
  Object.assign(headers, cors);
  if (vary) headers.Vary = vary.slice(1) + (cors.Vary && !VARIES.test(vary) ? ',Origin' : '');
  out.headers = headers;
  return out;
};
