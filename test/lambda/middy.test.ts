import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cors } from '../../src/lambda/middy.js';
import { context, event, ok, preflight } from './events.js';

const ACAO = 'Access-Control-Allow-Origin';
const options = { origins: ['https://app.example.com'], allowMethods: ['PUT'] };

afterEach(() => vi.restoreAllMocks());

describe('crossgate/lambda/middy: the policy as a middy middleware', () => {
  it('answers a preflight in `before`, so the handler does not run', async () => {
    const inner = vi.fn(ok);
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(inner).use(cors(options));
    const res = await handler(preflight('https://app.example.com'), context);
    expect(inner).not.toHaveBeenCalled();
    expect(res).toEqual({
      statusCode: 204,
      headers: { [ACAO]: 'https://app.example.com', 'Access-Control-Allow-Methods': 'PUT', Vary: 'Origin' },
    });
  });

  it('merges the headers into the response in `after`', async () => {
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(ok).use(cors(options));
    const res = await handler(event('GET', { Origin: 'https://app.example.com' }), context);
    expect(res.headers).toEqual({
      'Content-Type': 'application/json',
      [ACAO]: 'https://app.example.com',
      Vary: 'Origin',
    });
  });

  it('answers an unhandled error with a 500 that carries the CORS headers in `onError`', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(async () => {
      throw new Error('boom');
    }).use(cors(options));
    const res = await handler(event('GET', { Origin: 'https://app.example.com' }), context);
    expect(res.statusCode).toBe(500);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
  });

  it('adds the headers to the response an error handler registered after it set', async () => {
    const errorHandler = {
      onError: async (request: { response?: APIGatewayProxyResult }) => {
        request.response = { statusCode: 418, body: 'teapot' };
      },
    };
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(async () => {
      throw new Error('boom');
    })
      .use(cors(options))
      .use(errorHandler);
    const res = await handler(event('GET', { Origin: 'https://app.example.com' }), context);
    expect(res).toEqual({
      statusCode: 418,
      body: 'teapot',
      headers: { [ACAO]: 'https://app.example.com', Vary: 'Origin' },
    });
  });
});
