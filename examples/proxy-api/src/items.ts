import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { corsPolicy, withCors } from 'crossgate/lambda';

// Built once at cold start: a bad origin or header name fails here, not on some request at 3 a.m.
const policy = corsPolicy({
  origins: [process.env.APP_ORIGIN ?? 'http://localhost:5173'],
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowHeaders: ['content-type', 'x-api-key'],
  exposeHeaders: ['x-request-id'],
  maxAge: 600,
});

interface Item {
  id: string;
  name: string;
}

// Lives as long as the warm execution environment, like any module state in Lambda.
const items = new Map<string, Item>([['1', { id: '1', name: 'first item' }]]);
let nextId = 2;

function json(statusCode: number, value: unknown, requestId: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(value),
  };
}

function readItem(body: string | null): { name: string } | undefined {
  try {
    const value: unknown = JSON.parse(body ?? '');
    if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string')
      return { name: (value as { name: string }).name };
  } catch {
    // not JSON: answered with a 400 below
  }
  return undefined;
}

async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext.requestId;
  const id = event.pathParameters?.id;
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /items':
      return json(200, [...items.values()], requestId);
    case 'POST /items': {
      const input = readItem(event.body);
      if (!input) return json(400, { message: 'body must be JSON with a "name" string' }, requestId);
      const item = { id: String(nextId++), name: input.name };
      items.set(item.id, item);
      return json(201, item, requestId);
    }
    case 'GET /items/{id}': {
      const item = id ? items.get(id) : undefined;
      return item ? json(200, item, requestId) : json(404, { message: `no item ${id}` }, requestId);
    }
    case 'PUT /items/{id}': {
      const input = readItem(event.body);
      if (!input || !id) return json(400, { message: 'body must be JSON with a "name" string' }, requestId);
      const item = { id, name: input.name };
      items.set(id, item);
      return json(200, item, requestId);
    }
    case 'DELETE /items/{id}':
      if (!id || !items.delete(id)) return json(404, { message: `no item ${id}` }, requestId);
      return { statusCode: 204, headers: { 'x-request-id': requestId }, body: '' };
    default:
      return json(405, { message: `${event.httpMethod} is not served on ${event.resource}` }, requestId);
  }
}

export const handler = withCors(policy, route);
