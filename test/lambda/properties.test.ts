// Property tests over generated origins, judged by a reference matcher written independently on
// WHATWG URL parsing (what a browser does with an origin), not on the library's regular expression.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CorsOptions, corsPolicy, withCors } from '../../src/lambda/index.js';
import { context, event, ok } from './events.js';

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';

/** Reference: is `origin` inside `allowed` (exact origins and `scheme://*.domain[:port]` patterns)? */
function reference(allowed: readonly string[], origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // Only what a browser can send: an origin serialised by the URL standard, as it serialises it.
  if (url.origin !== origin || origin === 'null') return false;
  return allowed.some((entry) => {
    if (!entry.includes('*')) return entry === origin;
    const pattern = new URL(entry.replace('*', 'placeholder'));
    const domain = pattern.hostname.slice('placeholder.'.length);
    return (
      url.protocol === pattern.protocol &&
      url.port === pattern.port &&
      url.hostname.endsWith(`.${domain}`) &&
      url.hostname.length > domain.length + 1
    );
  });
}

const ALLOWED = [
  'https://app.example.com',
  'https://*.example.org',
  'http://localhost:3000',
  'https://*.api.example.net:8443',
];
const policy = corsPolicy({ origins: ALLOWED, credentials: true });

const label = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const piece = fc.constantFrom(
  'a',
  'app',
  'x-1',
  '_x',
  'example',
  'org',
  'com',
  'net',
  'api',
  'evil',
  'localhost',
  '3000',
  '8443',
  '443',
  '.',
  '..',
  '-',
  ',',
  '@',
  '/',
  ':',
  '?',
  '#',
  '%2e',
  '*',
  ' ',
  '\r',
  '\n',
  '\t',
  'A',
  'É',
  'é',
  'xn--bcher-kva',
  '[::1]',
  'null',
);
/** Strings that look like origins, often close to allowed ones. */
const originLike = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('https', 'http', 'HTTPS', 'ftp', 'wss', ''),
      fc.constantFrom('://', ':/', '//', ':///', '://user@', '://evil.com@'),
      fc.array(piece, { minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        '',
        '.example.org',
        '.example.com',
        '.api.example.net',
        'example.org',
        '.example.org.evil.com',
      ),
      fc.constantFrom('', ':443', ':80', ':8443', ':3000', ':0', ':08443', ':', '/', '/path', '?q', '#f'),
    )
    .map(([scheme, sep, parts, suffix, tail]) => scheme + sep + parts.join('') + suffix + tail),
  fc.constantFrom(...ALLOWED).map((o) => o.replace('*', 'a')),
  fc.tuple(fc.constantFrom(...ALLOWED), fc.string({ maxLength: 4 })).map(([o, s]) => o.replace('*', 'b') + s),
  fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom(...ALLOWED)).map(([s, o]) => o.replace('*', s)),
  fc.string(),
  fc.constant(`https://${'a.'.repeat(1100)}example.org`),
);

describe('properties over generated origins (fast-check)', () => {
  it('never grants an origin the reference matcher rejects, and echoes every granted origin byte for byte', () => {
    fc.assert(
      fc.property(originLike, (origin) => {
        const headers = policy.headers(origin, false);
        const granted = ACAO in headers;
        if (granted) {
          // A label `xn--…` that is not valid punycode makes the URL parser throw, so no browser can
          // send it; the matcher does not decode punycode, and judges the name like any other label.
          expect(reference(ALLOWED, origin.replace(/\bxn--[a-z0-9_-]*/g, 'x'))).toBe(true);
          expect(headers[ACAO]).toBe(origin);
          expect(origin.length).toBeLessThanOrEqual(2048);
          expect(origin).not.toMatch(/[\r\n,]/);
        }
        expect(headers.Vary).toBe('Origin');
      }),
      { numRuns: 20_000 },
    );
  });

  it('grants every subdomain, of one label or more, of a pattern’s domain on its scheme and port', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const origin = `https://${labels.join('.')}.example.org`;
        fc.pre(!origin.includes('xn--')); // not valid punycode: no browser sends it (see above)
        expect(reference(ALLOWED, origin)).toBe(true);
        expect(policy.headers(origin, false)[ACAO]).toBe(origin);
        expect(policy.headers(origin.replace('https:', 'http:'), false)[ACAO]).toBeUndefined();
        expect(policy.headers(`${origin}:444`, false)[ACAO]).toBeUndefined();
        expect(policy.headers(`${origin}.evil.com`, false)[ACAO]).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });

  const options: fc.Arbitrary<CorsOptions> = fc.record({
    origins: fc.oneof(
      fc.constant('*' as const),
      fc.constant(['*']),
      fc.subarray(['https://app.example.com', 'https://*.example.org', 'http://localhost:3000', '*']),
    ),
    credentials: fc.boolean(),
    allowHeaders: fc.subarray(['content-type', 'x-api-key', '*']),
    allowMethods: fc.subarray(['PUT', 'DELETE', '*']),
    exposeHeaders: fc.subarray(['x-request-id', '*']),
    maxAge: fc.integer({ min: 0, max: 86400 }),
  });

  it('never sends Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials, for any policy it builds', async () => {
    await fc.assert(
      fc.asyncProperty(options, originLike, fc.boolean(), async (opts, origin, isPreflight) => {
        let built: ReturnType<typeof corsPolicy>;
        try {
          built = corsPolicy(opts);
        } catch {
          return; // a policy that cannot work never gets to answer
        }
        const headers = built.headers(origin, isPreflight);
        if (headers[ACAO] === '*') expect(headers[ACAC]).toBeUndefined();
        if (headers[ACAO] !== undefined && headers[ACAO] !== '*') expect(headers[ACAO]).toBe(origin);
        const method = isPreflight ? 'OPTIONS' : 'GET';
        const res = await withCors(built, ok)(
          event(method, { Origin: origin, 'Access-Control-Request-Method': 'PUT' }),
          context,
        );
        if (res.headers?.[ACAO] === '*') expect(res.headers?.[ACAC]).toBeUndefined();
      }),
      { numRuns: 3_000 },
    );
  });

  it("rejects every policy that would pair '*' with credentials", () => {
    fc.assert(
      fc.property(options, (opts) => {
        const star = opts.origins === '*' || opts.origins.includes('*');
        if (star && opts.credentials) expect(() => corsPolicy(opts)).toThrow(/origins/);
      }),
    );
  });
});
