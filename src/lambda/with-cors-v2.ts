// withCorsV2: withCors for payload format 2.0 (HTTP APIs, Function URLs), kept apart so that a
// format 1.0 handler's bundle carries none of it.
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Callback,
  Context,
} from 'aws-lambda';
import { preflightWith, requestOrigin } from './headers.js';
import { type CorsOptions, type CorsPolicy, toPolicy } from './policy.js';
import { withCors } from './with-cors.js';

/** What {@link withCorsV2} returns: an async payload format 2.0 handler. */
export type CorsHandlerV2 = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A payload format 2.0 handler {@link withCorsV2} can wrap (`APIGatewayProxyHandlerV2`, typed or
 * not): what it returns may be a structured result, a bare object or a string (format 2.0's
 * `APIGatewayProxyResultV2<T>`), so its type is left open.
 */
export type ProxyHandlerV2 = (
  event: APIGatewayProxyEventV2,
  context: Context,
  callback: Callback<APIGatewayProxyResultV2>,
) => unknown;

/**
 * Payload format 2.0 lets a handler answer a bare value: an HTTP API sends a result without
 * `statusCode` as a 200 with `content-type: application/json` and the value as the body (AWS docs:
 * "Create AWS Lambda proxy integrations for HTTP APIs", format 2.0 response). It becomes that
 * response here first, so that the CORS headers have somewhere to go. A string is the body as it is,
 * as an HTTP API sends it (a Function URL would send it JSON-encoded); no result, an empty body.
 */
export const structuredResult = (value: unknown): APIGatewayProxyResult =>
  (value as APIGatewayProxyResult | undefined)?.statusCode
    ? (value as APIGatewayProxyResult)
    : {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value),
      };

/**
 * {@link withCors} for payload format 2.0 handlers: the same answers (preflight 204 with the policy's
 * headers, the headers on every other answer, a 500 that keeps them), the method read from
 * `requestContext.http.method`, and a bare answer made the 200 response API Gateway would make of it.
 * Use it where the preflight reaches the function: an HTTP API without CorsConfiguration whose route
 * takes OPTIONS (`ANY /{proxy+}`, `$default`), or a Function URL without Cors. With either
 * configured, API Gateway or Lambda answers CORS itself (crossgate check CG14x says what it does to
 * the function's own headers).
 */
export const withCorsV2 = (policy: CorsPolicy | CorsOptions, handler: ProxyHandlerV2): CorsHandlerV2 => {
  const compiled = toPolicy(policy);
  const actual = withCors(compiled, (async (event: APIGatewayProxyEventV2, context: Context) =>
    structuredResult(await (handler as (e: unknown, c: unknown) => unknown)(event, context))) as never);
  return async (event, context) => {
    const origin = requestOrigin(event);
    if (preflightWith(event.requestContext?.http?.method, event, origin))
      return { statusCode: 204, headers: compiled.headers(origin, true) }; // no body: 204
    return actual(event as never, context);
  };
};
