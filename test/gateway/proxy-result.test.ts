/**
 * A Lambda proxy result's headers and status as API Gateway sends them (AWS docs: "Amazon API Gateway
 * important notes", REST APIs: the table of headers dropped or remapped, Response column, `lambda`;
 * Lambda docs: "Handling Lambda errors with an API Gateway API": a result in the wrong format is a 502).
 */
import { describe, expect, it } from 'vitest';
import { readProxyResult } from '../../src/gateway/proxy-result.js';

const headersOf = (headers: Record<string, string>) => {
  const r = readProxyResult({ statusCode: 200, headers, body: 'x' });
  if (!r.ok) throw new Error(r.reason);
  return r.headers;
};

describe('response headers API Gateway drops or renames x-amzn-Remapped-<name>', () => {
  for (const name of [
    'Authorization',
    'Connection',
    'Content-MD5',
    'Date',
    'Max-Forwards',
    'Server',
    'User-Agent',
    'WWW-Authenticate',
  ])
    it(`${name}: Remapped`, () => {
      expect(headersOf({ [name]: 'v', 'X-Kept': 'k' })).toEqual([
        [`x-amzn-Remapped-${name}`, 'v'],
        ['X-Kept', 'k'],
      ]);
    });
  for (const name of [
    'Expect',
    'Host',
    'Proxy-Authenticate',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'Via',
  ])
    it(`${name}: Dropped`, () => {
      expect(headersOf({ 'X-Kept': 'k', [name]: 'v' })).toEqual([['X-Kept', 'k']]);
    });
  it('Content-Length: the table says Passthrough, but API Gateway frames the answer itself; the value is kept as x-amzn-Remapped-Content-Length (aws/aws-sdk-java#1854)', () => {
    expect(headersOf({ 'content-length': '3' })).toEqual([['x-amzn-Remapped-content-length', '3']]);
  });
  for (const name of [
    'Age',
    'Accept',
    'Content-Encoding',
    'Content-Type',
    'Pragma',
    'Range',
    'Referer',
    'Warn',
  ])
    it(`${name}: Passthrough`, () => {
      expect(headersOf({ [name]: 'v' })).toEqual([[name, 'v']]);
    });
  it('names match whatever their case; each value of a multi-value header is remapped', () => {
    const r = readProxyResult({
      statusCode: 200,
      multiValueHeaders: { 'TRANSFER-ENCODING': ['chunked'], 'www-authenticate': ['Basic', 'Bearer'] },
      body: '',
    });
    expect(r.ok && r.headers).toEqual([
      ['x-amzn-Remapped-www-authenticate', 'Basic'],
      ['x-amzn-Remapped-www-authenticate', 'Bearer'],
    ]);
  });
});

describe('status codes', () => {
  for (const code of [100, 101, 103, 199, 600, 700, 0, -1, 200.5, '1e3', '101'])
    it(`${JSON.stringify(code)} is malformed: a 1xx is no final answer, past 599 is not HTTP`, () => {
      const r = readProxyResult({ statusCode: code, body: '' });
      expect(r.ok).toBe(false);
    });
  for (const code of [200, 204, 301, 404, 599, '200'])
    it(`${JSON.stringify(code)} is sent`, () => {
      expect(readProxyResult({ statusCode: code, body: '' })).toMatchObject({
        ok: true,
        status: Number(code),
      });
    });
});
