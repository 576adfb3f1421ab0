import { describe, expect, it } from 'vitest';
import { handler } from '../../examples/powertools/handler.js';
import { context, event, preflight } from './events.js';

const ACAO = 'Access-Control-Allow-Origin';

describe('examples/powertools: Powertools’ router wrapped by withCors', () => {
  it('routes a GET and adds the CORS headers for an allowed origin', async () => {
    const res = await handler(
      event('GET', { Origin: 'https://pr-12.preview.example.com' }, { path: '/items' }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ items: [{ id: '1', name: 'first' }] });
    expect(res.headers?.[ACAO]).toBe('https://pr-12.preview.example.com');
    expect(res.headers?.['Access-Control-Allow-Credentials']).toBe('true');
    expect(res.headers?.Vary).toMatch(/Origin/);
  });

  it('adds them to the router’s own 404 too', async () => {
    const res = await handler(
      event('GET', { Origin: 'https://app.example.com' }, { path: '/nowhere' }),
      context,
    );
    expect(res.statusCode).toBe(404);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
  });

  it('answers the preflight before the router runs', async () => {
    const res = await handler(preflight('https://app.example.com', 'DELETE', 'authorization'), context);
    expect(res.statusCode).toBe(204);
    expect(res.headers?.['Access-Control-Allow-Methods']).toBe('PUT,DELETE');
    expect(res.headers?.['Access-Control-Allow-Headers']).toBe('content-type,authorization');
  });

  it('leaves out the CORS headers for a page on another origin', async () => {
    const res = await handler(
      event('GET', { Origin: 'https://preview.example.com.evil.test' }, { path: '/items' }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers?.[ACAO]).toBeUndefined();
  });
});
