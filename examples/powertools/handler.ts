// A Lambda proxy handler on Powertools' HTTP router, with CORS from crossgate/lambda.
//
// The router does the routing; withCors wraps the whole router, so every answer carries the policy's
// headers — the router's own 404 and 405, and a 500 when a route throws past the router — and
// preflights are answered before the router runs. Do not add Powertools' cors() middleware as well:
// two libraries writing Access-Control-* headers is how responses end up with two values.
//
// In your project: import { corsPolicy, withCors } from 'crossgate/lambda';
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { corsPolicy, withCors } from '../../src/lambda/index.js';

/** Built once, at cold start: a mistake in it throws here, not at 3 a.m. */
const policy = corsPolicy({
  origins: ['https://app.example.com', 'https://*.preview.example.com'],
  credentials: true,
  allowMethods: ['PUT', 'DELETE'],
  allowHeaders: ['content-type', 'authorization'],
  exposeHeaders: ['x-request-id'],
  maxAge: 600,
});

type Item = { id: string; name: string };
const items = new Map<string, Item>([['1', { id: '1', name: 'first' }]]);

const app = new Router();

app.get('/items', async () => ({ items: [...items.values()] }));

app.get('/items/:id', async ({ params }) => {
  const item = items.get(params.id);
  return item ? item : new Response(JSON.stringify({ message: 'not found' }), { status: 404 });
});

app.put('/items/:id', async ({ params, req }) => {
  const body = (await req.json()) as { name?: unknown };
  if (typeof body.name !== 'string')
    return new Response(JSON.stringify({ message: 'name?' }), { status: 400 });
  const item = { id: params.id, name: body.name };
  items.set(item.id, item);
  return item;
});

app.delete('/items/:id', async ({ params }) => {
  items.delete(params.id);
  return new Response(null, { status: 204 });
});

/** The function's handler (SAM: `Handler: handler.handler`), routed by the `{proxy+}` / ANY method. */
export const handler = withCors(policy, (event, context) => app.resolve(event, context));
