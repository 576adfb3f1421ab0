/**
 * Routing as API Gateway REST does it (AWS docs: "Set up a proxy integration with a proxy resource";
 * "Troubleshoot ... Missing Authentication Token").
 */
import { describe, expect, it } from 'vitest';
import { bodyText, event, gatewayFor, header, ok, samTemplate } from './helpers.js';

const template = samTemplate(
  '',
  [
    event('Literal', '/items/special', 'get'),
    event('Param', '/items/{id}', 'get'),
    event('Greedy', '/files/{proxy+}', 'any'),
    event('Root', '/', 'get'),
    event('Post', '/items', 'post'),
  ].join(''),
);
const { send, events } = gatewayFor(template, (e) => ok({ statusCode: 200, body: `${e.resource}` }));

describe('routing', () => {
  it('a literal segment beats a {param} segment', async () => {
    expect(bodyText(await send('GET', '/items/special'))).toBe('/items/special');
    expect(bodyText(await send('GET', '/items/42'))).toBe('/items/{id}');
  });
  it('{proxy+} matches one or more segments and passes them as pathParameters.proxy', async () => {
    const res = await send('DELETE', '/files/a/b%20c/d');
    expect(bodyText(res)).toBe('/files/{proxy+}');
    expect(events.at(-1)?.pathParameters).toEqual({ proxy: 'a/b c/d' });
  });
  it('{proxy+} does not match its parent: /files is a 403 Missing Authentication Token', async () => {
    const res = await send('GET', '/files');
    expect(res.status).toBe(403);
    expect(bodyText(res)).toBe('{"message":"Missing Authentication Token"}');
    expect(header(res, 'x-amzn-ErrorType')).toBe('MissingAuthenticationTokenException');
  });
  it('ANY answers every method', async () => {
    for (const m of ['GET', 'PUT', 'PATCH', 'OPTIONS']) expect((await send(m, '/files/x')).status).toBe(200);
  });
  it('an unknown path is a 403 Missing Authentication Token, not a 404', async () => {
    const res = await send('GET', '/nope');
    expect(res.status).toBe(403);
    expect(header(res, 'content-type')).toBe('application/json');
    expect(header(res, 'x-amzn-RequestId')).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('a known path with an unknown method is a 403 Missing Authentication Token', async () => {
    expect((await send('DELETE', '/items/1')).status).toBe(403);
  });
  it('OPTIONS on a path without Cors and without ANY is the classic broken preflight: 403', async () => {
    const res = await send('OPTIONS', '/items/1', [
      ['Origin', 'https://a.example'],
      ['Access-Control-Request-Method', 'GET'],
    ]);
    expect(res.status).toBe(403);
    expect(res.trace.reason).toMatch(/no OPTIONS method/);
  });
  it('a trailing slash reaches the same resource', async () => {
    expect(bodyText(await send('GET', '/items/42/'))).toBe('/items/{id}');
  });
  it('the root resource', async () => expect(bodyText(await send('GET', '/'))).toBe('/'));
  it('with --stage-prefix the stage comes first and a path without it is a 403', async () => {
    const staged = gatewayFor(template, () => ok({ statusCode: 200, body: 'x' }), { stagePrefix: true });
    expect((await staged.send('GET', '/Prod/items/1')).status).toBe(200);
    expect((await staged.send('GET', '/items/1')).status).toBe(403);
    expect((await staged.send('GET', '/Dev/items/1')).status).toBe(403);
  });
});
