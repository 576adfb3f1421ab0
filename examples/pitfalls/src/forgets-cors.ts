import type { APIGatewayProxyHandler } from 'aws-lambda';

// Wrong: with Lambda proxy integration API Gateway adds no CORS header to this answer, so the
// browser blocks it even though the preflight passed.
export const handler: APIGatewayProxyHandler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ items: [] }),
});
