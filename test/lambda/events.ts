// Proxy events and results for the crossgate/lambda tests.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** A REST API (v1) proxy event as API Gateway sends it: `headers` and `multiValueHeaders` both filled. */
export function event(
  method: string,
  headers: Record<string, string> = {},
  overrides: Partial<APIGatewayProxyEvent> = {},
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path: '/items',
    resource: '/{proxy+}',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: null,
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

export const context = {} as Context;

/** A preflight as Chromium sends it. */
export const preflight = (origin: string, method = 'PUT', requestHeaders?: string) =>
  event('OPTIONS', {
    Origin: origin,
    'Access-Control-Request-Method': method,
    ...(requestHeaders ? { 'Access-Control-Request-Headers': requestHeaders } : {}),
  });

export const ok = async (): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: '{"ok":true}',
});
