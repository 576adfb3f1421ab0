// withCors: a Lambda proxy handler with the policy's CORS headers on every answer.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Callback, Context } from 'aws-lambda';
import { mergeCors, preflightWith, requestOrigin } from './headers.js';
import { type CorsOptions, type CorsPolicy, toPolicy } from './policy.js';

/** What {@link withCors} returns: an async proxy handler. */
export type CorsHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The answer for a handler that throws, rejects, or returns nothing: API Gateway's own 500 body, and
 * (once merged) the CORS headers, so the browser shows the status instead of a CORS error.
 */
export const serverError: Readonly<APIGatewayProxyResult> = {
  statusCode: 500,
  // API Gateway sends Content-Type: application/json when the result names none.
  body: '{"message":"Internal server error"}',
};

/**
 * A proxy handler {@link withCors} can wrap: one that returns (a promise of) its result, typed
 * `APIGatewayProxyHandler` or not. It is called with (event, context) only: a callback-style handler
 * gets no callback, and its TypeError is answered with the 500.
 */
export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
  callback: Callback<APIGatewayProxyResult>,
  // biome-ignore lint/suspicious/noConfusingVoidType: APIGatewayProxyHandler itself returns `void | Promise`
) => void | APIGatewayProxyResult | Promise<APIGatewayProxyResult>;

/**
 * Wraps an async proxy handler so that:
 * - a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here with
 *   204 No Content and the policy's preflight headers; the handler is not called;
 * - every other answer carries the policy's headers, merged as {@link mergeCors} says;
 * - an error thrown by the handler (or a missing result) is logged (console.error) and answered with
 *   a 500 that still carries the CORS headers;
 * - `Vary: Origin` is sent whenever the answer depends on the origin (a list of origins);
 * - a disallowed origin gets no CORS header, and is still served: CORS is the browser's decision.
 * The handler is called with (event, context) and must return its result (an async function, typed
 * `APIGatewayProxyHandler` or not). Callback-style handlers (`callback(null, result)`) are not
 * supported: the missing result would be answered with the 500.
 */
export const withCors = (policy: CorsPolicy | CorsOptions, handler: ProxyHandler): CorsHandler => {
  const { headers } = toPolicy(policy);
  return async (event, context) => {
    const origin = requestOrigin(event);
    // Payload format 1.0 (withCorsV2 answers 2.0's preflights before it gets here).
    if (preflightWith(event.httpMethod, event, origin))
      return { statusCode: 204, headers: headers(origin, true) } as APIGatewayProxyResult; // no body: 204
    let result: APIGatewayProxyResult;
    try {
      result = (await (handler as (e: unknown, c: unknown) => unknown)(
        event,
        context,
      )) as APIGatewayProxyResult;
      // Throws a TypeError when the handler returned nothing (API Gateway would answer 502).
      result.statusCode;
    } catch (error) {
      console.error(error);
      result = serverError;
    }
    return mergeCors(result, headers(origin, false));
  };
};
