import type { APIGatewayProxyHandler } from 'aws-lambda';
import { withCors } from 'crossgate/lambda';

const origin = process.env.APP_ORIGIN ?? 'http://localhost:5173';

export const handler: APIGatewayProxyHandler = withCors({ origins: [origin] }, async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: true }),
}));
