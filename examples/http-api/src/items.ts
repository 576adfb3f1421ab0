import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// No CORS header here: the HTTP API's CorsConfiguration adds them (and would drop any we set).
const items = new Map<string, { id: string; name: string }>([['1', { id: '1', name: 'first' }]]);

// Payload format 2.0: a bare object becomes a 200 application/json answer.
export const list = async () => ({ items: [...items.values()] });

export const write = async (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const user = String(event.requestContext.authorizer.jwt.claims.sub ?? 'someone');
  if (event.requestContext.http.method === 'DELETE') {
    const id = event.pathParameters?.id ?? '';
    const existed = items.delete(id);
    return { statusCode: existed ? 204 : 404, body: '' };
  }
  let name = 'unnamed';
  try {
    name = String(JSON.parse(event.body ?? '{}').name ?? name);
  } catch {
    return { statusCode: 400, body: JSON.stringify({ message: 'the body is not JSON' }) };
  }
  const id = String(items.size + 1);
  items.set(id, { id, name });
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', 'x-item-count': String(items.size) },
    body: JSON.stringify({ id, name, by: user }),
  };
};
