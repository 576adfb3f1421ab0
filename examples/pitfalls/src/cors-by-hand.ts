import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// Behind an HTTP API with CorsConfiguration these headers never reach a browser: API Gateway drops
// them and sends the configured ones (check: CG144). The origin named here is not the one allowed.
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: {
    'content-type': 'application/json',
    'Access-Control-Allow-Origin': 'https://old-site.example.com',
    'Access-Control-Allow-Credentials': 'true',
  },
  body: JSON.stringify({ items: [] }),
});
