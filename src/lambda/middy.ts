// crossgate/lambda/middy: the same policy as a middy middleware, for handlers already on middy.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isPreflight, mergeCors, requestOrigin } from './headers.js';
import { type CorsOptions, type CorsPolicy, toPolicy } from './policy.js';
import { serverError } from './with-cors.js';

/**
 * CORS as a middy middleware, with the same answers as `withCors`:
 * - `before` answers a CORS preflight itself (204, the preflight headers): middy then skips the
 *   handler and the `after` middlewares;
 * - `after` merges the policy's headers into the response (rules: `mergeCors`);
 * - `onError` merges them into the response an error handler set; if none did, it logs the error and
 *   answers a 500 with CORS headers, as `withCors` does.
 * Register it first (`.use(cors(policy))` before `@middy/http-error-handler`), so that its `after`
 * and `onError` run last and see the final response.
 */
export function cors(
  policy: CorsPolicy | CorsOptions,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const { headers } = toPolicy(policy);
  return {
    before: (request) => {
      const origin = requestOrigin(request.event);
      if (isPreflight(request.event, origin)) return { statusCode: 204, headers: headers(origin, true) };
    },
    after: (request) => {
      if (request.response)
        request.response = mergeCors(request.response, headers(requestOrigin(request.event), false));
    },
    onError: (request) => {
      if (!request.response) {
        console.error(request.error);
        request.response = serverError;
      }
      request.response = mergeCors(request.response, headers(requestOrigin(request.event), false));
    },
  };
}
