import { describe, expect, it } from 'vitest';
import { type CorsOptions, corsPolicy } from '../../src/lambda/index.js';

const ACAO = 'Access-Control-Allow-Origin';

describe('corsPolicy validation: a policy that cannot work fails at cold start, naming the value', () => {
  const invalid: Array<[string, CorsOptions, RegExp]> = [
    [
      "'*' with credentials (Fetch: a credentialed response must name the origin)",
      { origins: '*', credentials: true },
      /origins: "\*" is not valid with credentials/,
    ],
    ["'*' in a list with other origins", { origins: ['*', 'https://a.example.com'] }, /origins: "\*"/],
    [
      'an origin with a trailing slash',
      { origins: ['https://app.example.com/'] },
      /"https:\/\/app\.example\.com\/" is not an origin/,
    ],
    ['an origin with a path', { origins: ['https://app.example.com/app'] }, /is not an origin/],
    [
      'an origin in upper case (browsers send it lower-cased)',
      { origins: ['https://App.example.com'] },
      /is not an origin/,
    ],
    [
      'an origin with its default port (browsers leave it out)',
      { origins: ['https://app.example.com:443'] },
      /is not an origin/,
    ],
    ['an origin without a scheme', { origins: ['app.example.com'] }, /is not an origin/],
    ['the opaque origin "null" (sandboxed iframes, file:)', { origins: ['null'] }, /"null" is not an origin/],
    ['an IDN not in punycode', { origins: ['https://bücher.example'] }, /is not an origin/],
    ['a comma in the host', { origins: ['https://a,b.example.com'] }, /is not an origin/],
    ['a pattern with a path', { origins: ['https://*.example.com/'] }, /is not an origin/],
    ['a pattern with * inside a label', { origins: ['https://app-*.example.com'] }, /is not an origin/],
    [
      'a pattern with * not in the first label',
      { origins: ['https://app.*.example.com'] },
      /is not an origin/,
    ],
    ['a pattern without a scheme', { origins: ['*.example.com'] }, /is not an origin/],
    [
      'a pattern on a public suffix (every .com site)',
      { origins: ['https://*.com'] },
      /"https:\/\/\*\.com" is not an origin/,
    ],
    [
      'a pattern on a public suffix with a port',
      { origins: ['http://*.localhost:3000'] },
      /is not an origin/,
    ],
    [
      'a header name that is not a token',
      { origins: ['https://a.example.com'], allowHeaders: ['x api key'] },
      /allowHeaders: "x api key" is not a token/,
    ],
    [
      'a header name with a colon',
      { origins: ['https://a.example.com'], exposeHeaders: ['x-id:'] },
      /exposeHeaders: "x-id:"/,
    ],
    [
      'a method that is not a token',
      { origins: ['https://a.example.com'], allowMethods: ['GET POST'] },
      /allowMethods: "GET POST"/,
    ],
    [
      "allowHeaders '*' with credentials (Fetch: a literal name then, not a wildcard)",
      { origins: ['https://a.example.com'], credentials: true, allowHeaders: ['*'] },
      /allowHeaders: "\*"/,
    ],
  ];
  it.each(invalid)('rejects %s', (_, options, message) => {
    expect(() => corsPolicy(options)).toThrow(message);
  });

  const valid: Array<[string, CorsOptions]> = [
    ['exact origins and a pattern', { origins: ['https://app.example.com', 'https://*.example.com'] }],
    ['a local origin with a port', { origins: ['http://localhost:3000', 'http://127.0.0.1:5173'] }],
    ['an IPv6 literal', { origins: ['http://[::1]:3000'] }],
    ['a pattern with a port', { origins: ['https://*.example.com:8443'] }],
    ["'*' without credentials", { origins: '*' }],
    ["['*'] without credentials", { origins: ['*'], allowHeaders: ['*'], allowMethods: ['*'] }],
    ['credentials with listed origins', { origins: ['https://app.example.com'], credentials: true }],
    ['no origins at all (nothing is granted)', { origins: [] }],
  ];
  it.each(valid)('accepts %s', (_, options) => {
    expect(() => corsPolicy(options)).not.toThrow();
  });
});

describe('origin matching', () => {
  const policy = corsPolicy({
    origins: [
      'https://app.example.com',
      'https://*.example.org',
      'http://localhost:3000',
      'https://*.example.net:8443',
    ],
  });
  const granted = (origin: string | undefined) => policy.headers(origin, false)[ACAO] === origin;

  it.each([
    'https://app.example.com',
    'https://a.example.org',
    'https://a.b.example.org',
    'https://x-1_2.example.org',
    'http://localhost:3000',
    'https://a.example.net:8443',
  ])('grants %s and echoes it byte for byte', (origin) => {
    expect(policy.headers(origin, false)).toEqual({ [ACAO]: origin, Vary: 'Origin' });
  });

  it.each([
    ['another subdomain of an exact origin', 'https://evil.example.com'],
    ['the pattern’s own apex (a pattern needs one or more labels)', 'https://example.org'],
    ['the pattern’s domain as a prefix of an attacker’s domain', 'https://example.org.evil.com'],
    ['a subdomain of the attacker spelled with the domain inside', 'https://a.example.org.evil.com'],
    ['the suffix without a dot boundary', 'https://evilexample.org'],
    ['another scheme', 'http://a.example.org'],
    ['another port', 'https://a.example.org:8443'],
    ['a pattern’s port left out', 'https://a.example.net'],
    ['another port on an exact origin', 'http://localhost:3001'],
    ['an exact origin with a trailing slash', 'https://app.example.com/'],
    ['an origin with a path', 'https://a.example.org/x'],
    ['userinfo before the host', 'https://evil.com@a.example.org'],
    ['upper case (never sent by a browser)', 'https://A.example.org'],
    ['the opaque origin null', 'null'],
    ['an empty Origin', ''],
    ['CR/LF (header injection)', 'https://app.example.com\r\nSet-Cookie: a=b'],
    ['a comma (two origins)', 'https://app.example.com, https://evil.com'],
    ['a comma inside a pattern’s labels', 'https://a,b.example.org'],
    ['a trailing dot', 'https://a.example.org.'],
    ['over 2,048 characters', `https://${'a.'.repeat(1100)}example.org`],
  ])('does not grant %s', (_, origin) => {
    expect(granted(origin)).toBe(false);
    expect(policy.headers(origin, false)).toEqual({ Vary: 'Origin' });
  });

  it('does not grant a request without Origin, and still says Vary: Origin', () => {
    expect(policy.headers(undefined, false)).toEqual({ Vary: 'Origin' });
  });
});

describe('prebuilt header sets', () => {
  it('sends credentials, exposed headers on actual responses, and methods, headers, max-age on preflights', () => {
    const policy = corsPolicy({
      origins: ['https://app.example.com'],
      credentials: true,
      allowMethods: ['PUT', 'DELETE'],
      allowHeaders: ['Content-Type', 'x-api-key'],
      exposeHeaders: ['x-request-id'],
      maxAge: 600,
    });
    expect(policy.headers('https://app.example.com', false)).toEqual({
      [ACAO]: 'https://app.example.com',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'x-request-id',
      Vary: 'Origin',
    });
    expect(policy.headers('https://app.example.com', true)).toEqual({
      [ACAO]: 'https://app.example.com',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'PUT,DELETE',
      'Access-Control-Allow-Headers': 'Content-Type,x-api-key',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    });
  });

  it("answers '*' to every request, Origin or not, without Vary (the answer does not depend on it)", () => {
    const policy = corsPolicy({ origins: '*', allowHeaders: ['content-type'] });
    for (const origin of [undefined, 'null', 'https://anything.test'])
      expect(policy.headers(origin, false)).toEqual({ [ACAO]: '*' });
    expect(policy.headers('https://a.test', true)).toEqual({
      [ACAO]: '*',
      'Access-Control-Allow-Headers': 'content-type',
    });
  });

  it('returns a fresh object on every call', () => {
    const policy = corsPolicy({ origins: ['https://app.example.com'] });
    const a = policy.headers('https://app.example.com', false);
    a.Vary = 'changed';
    expect(policy.headers('https://app.example.com', false).Vary).toBe('Origin');
  });

  it('leaves out a maxAge that is not a number ≥ 0', () => {
    const policy = corsPolicy({ origins: '*', maxAge: -1 });
    expect(policy.headers(undefined, true)).toEqual({ [ACAO]: '*' });
  });
});
