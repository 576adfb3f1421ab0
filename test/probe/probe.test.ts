/** `crossgate probe URL`: what Chromium sends and decides, against loopback servers that answer as API Gateway does. */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { probeText } from '../../src/probe/format.js';
import { send } from '../../src/probe/http.js';
import { probe } from '../../src/probe/probe.js';
import {
  FORBIDDEN_403,
  GUIDE_PREFLIGHT_200,
  gatewayError,
  header,
  lambdaAnswer,
  MISSING_TOKEN_403,
  run,
  startServer,
  type TestServer,
  UNAUTHORIZED_401,
} from './servers.js';

const APP = 'https://app.example.com';
const ACAO_APP: Array<[string, string]> = [['Access-Control-Allow-Origin', APP]];

// One server, one behaviour per path, like a stage with several misconfigured resources.
let api: TestServer;
beforeAll(async () => {
  api = await startServer((req) => {
    const path = req.url.split('?')[0];
    const options = req.method === 'OPTIONS';
    switch (path) {
      case '/Prod/guide':
        return options ? GUIDE_PREFLIGHT_200 : lambdaAnswer(200, [['Access-Control-Allow-Origin', '*']]);
      case '/Prod/no-handler-cors':
        return options ? GUIDE_PREFLIGHT_200 : lambdaAnswer(200, []);
      case '/Prod/key-on-preflight':
        return options ? FORBIDDEN_403 : lambdaAnswer(200, ACAO_APP);
      case '/Prod/no-options':
        return options ? MISSING_TOKEN_403 : lambdaAnswer(200, ACAO_APP);
      case '/Prod/authorizer':
        return options ? UNAUTHORIZED_401 : lambdaAnswer(200, ACAO_APP);
      case '/Prod/redirect':
        return { status: 301, headers: [['Location', '/Prod/guide']], body: '' };
      case '/Prod/redirect-cors':
        return { status: 302, headers: [...ACAO_APP, ['Location', '/Prod/exact']], body: '' };
      case '/Prod/gateway-403':
        return options
          ? {
              status: 200,
              headers: [
                ['Access-Control-Allow-Origin', APP],
                ['Access-Control-Allow-Headers', 'Content-Type,X-Api-Key'],
                ['Access-Control-Allow-Methods', 'GET,POST,OPTIONS'],
              ],
            }
          : FORBIDDEN_403;
      case '/Prod/gateway-403-cors':
        return options ? GUIDE_PREFLIGHT_200 : gatewayError(403, 'ForbiddenException', 'Forbidden', ACAO_APP);
      case '/Prod/exact':
        return options
          ? {
              status: 204,
              headers: [
                ['Access-Control-Allow-Origin', APP],
                ['Access-Control-Allow-Credentials', 'true'],
                ['Access-Control-Allow-Methods', 'GET,PUT,OPTIONS'],
                ['Access-Control-Allow-Headers', 'content-type,x-api-key'],
                ['Access-Control-Max-Age', '600'],
                ['Vary', 'Origin'],
              ],
            }
          : lambdaAnswer(200, [
              ...ACAO_APP,
              ['Access-Control-Allow-Credentials', 'true'],
              ['Vary', 'Origin'],
            ]);
      case '/Prod/other-origin':
        return lambdaAnswer(200, [['Access-Control-Allow-Origin', 'http://localhost:5173']]);
      default:
        return MISSING_TOKEN_403;
    }
  });
});
afterAll(() => api.close());
afterEach(() => vi.restoreAllMocks());

const url = (path: string) => `${api.origin}/Prod/${path}`;
const PUT_JSON = ['--method', 'PUT', '--header', 'x-api-key: abc123', '--body-type', 'application/json'];

describe('crossgate probe: the guide transcripts', () => {
  it("sends the preflight Chromium sends (OPTIONS, Origin, Access-Control-Request-Method, sorted lower-case Access-Control-Request-Headers, no x-api-key) and passes the guide's 200 with three '*' headers (Fetch §4.8; AWS guide: curl -v OPTIONS)", async () => {
    const before = api.received.length;
    const { code, stdout } = await run(['probe', url('guide'), '--origin', APP, ...PUT_JSON]);
    expect(code).toBe(0);
    const [pre, actual] = api.received.slice(before);
    expect(pre.method).toBe('OPTIONS');
    expect(header(pre, 'origin')).toBe(APP);
    expect(header(pre, 'access-control-request-method')).toBe('PUT');
    expect(header(pre, 'access-control-request-headers')).toBe('content-type,x-api-key');
    expect(header(pre, 'x-api-key')).toBeUndefined();
    expect(actual.method).toBe('PUT');
    expect(header(actual, 'x-api-key')).toBe('abc123');
    expect(header(actual, 'origin')).toBe(APP);
    expect(stdout).toContain('> OPTIONS /Prod/guide HTTP/1.1');
    expect(stdout).toContain('< HTTP/1.1 200 OK');
    expect(stdout).toMatch(/< access-control-allow-origin: \*\s+← allow-origin ✓/);
    expect(stdout).toMatch(/< access-control-allow-headers: \*\s+← allow-headers-parse ✓, headers-allowed ✓/);
    expect(stdout).toContain('> PUT /Prod/guide HTTP/1.1');
    expect(stdout).toContain('ALLOWED');
  });

  it("blocks at the preflight when API Gateway answers OPTIONS with 403 ForbiddenException, prints Chromium's message and blames the API key on the preflight (SAM Auth.AddApiKeyRequiredToCorsPreflight; AWS guide second transcript)", async () => {
    const { code, stdout } = await run(['probe', url('key-on-preflight'), '--origin', APP, ...PUT_JSON]);
    expect(code).toBe(1);
    expect(stdout).toContain('< HTTP/1.1 403 Forbidden');
    expect(stdout).toMatch(/< x-amzn-ErrorType: ForbiddenException/);
    expect(stdout).toContain('{"message":"Forbidden"}');
    expect(stdout).toContain('BLOCKED in all three — at the preflight (PreflightMissingAllowOriginHeader)');
    // Each engine in its own words (test/browser/engines.test.ts): Firefox checks the origin first,
    // WebKit the status first.
    expect(stdout).toContain(
      `Firefox: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url('key-on-preflight')}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.`,
    );
    expect(stdout).toContain('WebKit: Preflight response is not successful. Status code: 403');
    expect(stdout).toContain(
      `Chromium: Access to fetch at '${url('key-on-preflight')}' from origin '${APP}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    );
    expect(stdout).toContain('the API key is required on the preflight');
    expect(stdout).toContain('AddApiKeyRequiredToCorsPreflight: false');
    expect(stdout).toContain('Actual request not sent');
  });
});

describe('crossgate probe: the likely cause in API Gateway terms', () => {
  it('403 MissingAuthenticationTokenException on OPTIONS means there is no OPTIONS method: add Cors to the Api (AWS docs: gateway response MISSING_AUTHENTICATION_TOKEN)', async () => {
    const r = await probe({ url: url('no-options'), origin: APP, method: 'DELETE' });
    expect(r.exitCode).toBe(1);
    expect(r.verdict?.failedStep).toBe('preflight');
    expect(r.gateway?.id).toBe('no-options-method');
    expect(r.gateway?.fix).toContain('Cors');
  });

  it('401 UnauthorizedException on OPTIONS means the DefaultAuthorizer guards the preflight (SAM Auth.AddDefaultAuthorizerToCorsPreflight)', async () => {
    const r = await probe({ url: url('authorizer'), origin: APP, headers: [['authorization', 'Bearer t']] });
    expect(r.outcome).toBe('blocked');
    expect(r.gateway?.id).toBe('authorizer-on-preflight');
    expect(r.gateway?.fix).toContain('AddDefaultAuthorizerToCorsPreflight: false');
  });

  it('a 200 from the Lambda without Access-Control-Allow-Origin blocks the actual request: the handler must return it (API Gateway docs: CORS with Lambda proxy integration)', async () => {
    const r = await probe({
      url: url('no-handler-cors'),
      origin: APP,
      method: 'PUT',
      bodyType: 'application/json',
    });
    expect(r.verdict?.failedStep).toBe('actual');
    expect(r.verdict?.errorCode).toBe('MissingAllowOriginHeader');
    expect(r.verdict?.consoleMessage).toBe(
      `Access to fetch at '${url('no-handler-cors')}' from origin '${APP}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    );
    expect(r.gateway?.id).toBe('handler-without-cors');
    expect(r.gateway?.fix).toContain('withCors');
  });

  it("API Gateway's own 403 on the actual request without CORS headers hides the real error: add DEFAULT_4XX/DEFAULT_5XX gateway responses (AWS docs: gateway responses for CORS)", async () => {
    const r = await probe({ url: url('gateway-403'), origin: APP, headers: [['x-api-key', 'wrong']] });
    expect(r.verdict?.preflight?.judgement.ok).toBe(true);
    expect(r.verdict?.failedStep).toBe('actual');
    expect(r.gateway?.id).toBe('gateway-response-without-cors');
    expect(r.gateway?.fix).toContain('DEFAULT_4XX');
    expect(r.gateway?.summary).toContain('API key is missing or invalid');
  });

  it('with CORS headers on the gateway response the page reads the 403 and learns the key is wrong (AWS docs: GatewayResponses ResponseParameters)', async () => {
    const r = await probe({ url: url('gateway-403-cors'), origin: APP, headers: [['x-api-key', 'wrong']] });
    expect(r.outcome).toBe('allowed');
    expect(r.note).toContain('403 ForbiddenException');
  });

  it('a handler that names another origin gives AllowOriginMismatch (Fetch §4.9 CORS check: exact string comparison)', async () => {
    const r = await probe({ url: url('other-origin'), origin: APP });
    expect(r.verdict?.plan.kind).toBe('simple');
    expect(r.exchanges.map((x) => x.step)).toEqual(['actual']);
    expect(r.verdict?.errorCode).toBe('AllowOriginMismatch');
    expect(r.gateway?.id).toBe('allow-origin-mismatch');
  });

  it("credentials: 'include' against the guide's '*' fails: the wildcard never matches a credentialed request (Fetch §4.9 step 3)", async () => {
    const r = await probe({ url: url('guide'), origin: APP, credentials: 'include', method: 'PUT' });
    expect(r.verdict?.errorCode).toBe('PreflightWildcardOriginNotAllowed');
    expect(r.gateway?.id).toBe('wildcard-with-credentials');
  });

  it('an exact origin with Allow-Credentials passes both steps and reports each engine’s preflight cache lifetime (Fetch §4.8 step 7.7; Firefox’s reuse for an IP-literal host cannot be counted on, engines.test.ts)', async () => {
    const { code, stdout } = await run([
      'probe',
      url('exact'),
      '--origin',
      APP,
      '--credentials',
      'include',
      ...PUT_JSON,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('ALLOWED in all three');
    expect(stdout).toContain('preflight cached: Chromium 600 s, Firefox 0 s, WebKit 600 s');
    expect(stdout).toMatch(/< Access-Control-Allow-Credentials: true\s+← allow-credentials ✓/);
  });
});

describe('crossgate probe: three engines', () => {
  it('a client hint is safelisted in Chromium only: probe sends both engines\' requests and names the engines that block (engines.test.ts "DPR 2")', async () => {
    const before = api.received.length;
    const { code, stdout } = await run(['probe', url('exact'), '--origin', APP, '-H', 'DPR: 2']);
    expect(code).toBe(1);
    // Chromium's simple GET, then Firefox and WebKit's preflight (which does not allow dpr).
    expect(api.received.slice(before).map((r) => r.method)).toEqual(['GET', 'OPTIONS']);
    expect(stdout).toContain('BLOCKED in Firefox and WebKit, allowed in Chromium');
    // The plan is not Chromium's alone: Firefox and WebKit preflight the hint.
    expect(stdout).not.toContain('a simple request: no preflight, the browser sends it directly');
    expect(stdout).toContain('* a simple request in Chromium: no preflight');
    expect(stdout).toContain('* needs a preflight in Firefox and WebKit:');
    expect(stdout).toContain(
      `Firefox: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url('exact')}. (Reason: header ‘dpr’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`,
    );
    expect(stdout).toContain(
      'WebKit: Request header field DPR is not allowed by Access-Control-Allow-Headers.',
    );
  });
  it('--browser chromium judges by Chromium alone (exit 0 for the same call); --browser with an unknown engine exits 2', async () => {
    const { code, stdout } = await run([
      'probe',
      url('exact'),
      '--origin',
      APP,
      '-H',
      'DPR: 2',
      '--browser',
      'chromium',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('ALLOWED in Chromium');
    expect(stdout).toContain('* a simple request: no preflight, the browser sends it directly');
    expect((await run(['probe', url('exact'), '--origin', APP, '--browser', 'lynx'])).code).toBe(2);
  });
});

describe('crossgate probe: redirects are never followed silently', () => {
  it('a redirected preflight is refused by the browser, and probe says so instead of following it (Fetch §4.8 step 7: a preflight response must not be a redirect; Chromium PreflightController)', async () => {
    const before = api.received.length;
    const { code, stdout } = await run(['probe', url('redirect'), '--origin', APP, ...PUT_JSON]);
    expect(code).toBe(1);
    expect(api.received.length - before).toBe(1);
    expect(stdout).toContain('< HTTP/1.1 301 Moved Permanently');
    expect(stdout).toMatch(/< Location: \/Prod\/guide\s+← no-redirect ✗/);
    expect(stdout).toContain(
      "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
    );
    expect(stdout).toContain('browsers refuse a redirected preflight');
  });

  it('a simple request follows a redirect that passes the CORS check, and both hops are printed and judged (Fetch §4.4 HTTP-redirect fetch)', async () => {
    const { code, stdout } = await run(['probe', url('redirect-cors'), '--origin', APP, '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.exchanges.map((x: { step: string }) => x.step)).toEqual(['redirect', 'actual']);
    expect(j.exchanges[1].request.url).toBe(url('exact'));
  });

  it('a redirect without Access-Control-Allow-Origin stops the browser at the redirect itself (Fetch §4.4: the CORS check runs on every hop)', async () => {
    const r = await probe({ url: url('redirect'), origin: APP });
    expect(r.exchanges).toHaveLength(1);
    expect(r.exchanges[0].response?.status).toBe(301);
    expect(r.verdict?.errorCode).toBe('MissingAllowOriginHeader');
    expect(r.gateway?.id).toBe('redirect');
    expect(r.gateway?.summary).toContain('301 redirect to /Prod/guide');
  });
});

describe('crossgate probe: --json and exit codes', () => {
  it('--json prints one object with the verdict, the exchanges, the cause and the message', async () => {
    const { code, stdout } = await run([
      'probe',
      url('key-on-preflight'),
      '--origin',
      APP,
      '--json',
      ...PUT_JSON,
    ]);
    expect(code).toBe(1);
    const j = JSON.parse(stdout);
    expect(j.verdict).toBe('blocked');
    expect(j.exchanges).toHaveLength(1);
    expect(j.exchanges[0].step).toBe('preflight');
    expect(j.exchanges[0].response.status).toBe(403);
    expect(j.exchanges[0].checks.find((c: { name: string }) => c.name === 'ok-status').ok).toBe(false);
    expect(j.errorCode).toBe('PreflightMissingAllowOriginHeader');
    expect(j.message).toMatch(/^Access to fetch at /);
    expect(j.apiGateway.id).toBe('api-key-on-preflight');
  });

  it('colours the text report only when asked (the CLI asks when stdout is a TTY)', async () => {
    const r = await probe({ url: url('key-on-preflight'), origin: APP, method: 'PUT' });
    expect(probeText(r, true)).toContain('\u001b[');
    expect(probeText(r, false)).not.toContain('\u001b[');
  });

  it('exits 2 when nothing listens on the port', async () => {
    const dead = await startServer(() => GUIDE_PREFLIGHT_200);
    const where = dead.origin;
    await dead.close();
    const { code, stdout } = await run(['probe', `${where}/Prod/x`, '--origin', APP, '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'error', error: expect.stringContaining('refused') });
  });

  it('exits 2 when the server does not answer within --timeout (retries are off)', async () => {
    let hits = 0;
    const hang = http.createServer(() => {
      hits++;
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const { port } = hang.address() as AddressInfo;
    const { code, stdout } = await run([
      'probe',
      `http://127.0.0.1:${port}/x`,
      '--origin',
      APP,
      '--timeout',
      '100',
    ]);
    hang.closeAllConnections();
    hang.close();
    expect(code).toBe(2);
    expect(hits).toBe(1);
    expect(stdout).toContain('within 100 ms');
  });

  it.each([
    [['probe', 'not a url', '--origin', APP], 'not a URL'],
    [['probe', 'https://x.example/'], 'exactly one --origin'],
    [['probe', 'https://x.example/', '--origin', APP, '--credentials', 'yes'], '--credentials'],
    [['probe', 'https://x.example/', '--origin', APP, '--header', 'no colon'], '--header'],
    [['probe', 'https://x.example/', '--origin', APP, '--timeout', '-1'], '--timeout'],
    [['probe', '--routes', 'examples/proxy-api/template.yaml'], '--base-url'],
    [['probe', 'https://x.example/', '--origin', APP, '--nope'], 'Unknown option'],
  ])('bad arguments exit 2: %j', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('what a probed server sends reaches the terminal as text (developers’ guide: never echo raw header bytes)', () => {
  it('a C1 control (U+009B, CSI on terminals that honour 8-bit controls) in a status text, a header value, the check that quotes it and a body is printed escaped', async () => {
    // node:http lets obs-text bytes (0x80-0xff) through in a status text and in header values (RFC 9110
    // §5.5), read as latin1: 0x9b is U+009B.
    const evil = net.createServer((socket) => {
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 200 O\x9bK\r\nAccess-Control-Allow-Origin: https://x.example\x9b2J\r\nX-Evil: a\x9b2J\r\nContent-Length: 12\r\nConnection: close\r\n\r\nok\x1b[2J\nline2',
          'latin1',
        ),
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const { port } = evil.address() as AddressInfo;
    try {
      const r = await probe({ url: `http://127.0.0.1:${port}/x`, origin: APP });
      const text = probeText(r, false);
      expect(text).toContain('< HTTP/1.1 200 O\\x9bK');
      expect(text).toContain('< X-Evil: a\\x9b2J');
      expect(text).toMatch(/x\.example\\x9b2J/);
      // The body, too (ESC starts a sequence that clears the screen); its line breaks stay.
      expect(text).toContain('ok\\x1b[2J\nline2');
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u0080-\u009f]/);
    } finally {
      evil.close();
    }
  });
});

describe('what probe sends', () => {
  it('--header names that are Object.prototype members (constructor, __proto__) are sent as ordinary headers, repeated ones joined', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(...req.rawHeaders);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { sent } = await send({
        method: 'GET',
        url: `http://127.0.0.1:${port}/x`,
        headers: [
          ['constructor', 'a'],
          ['Constructor', 'b'],
          ['__proto__', 'p'],
        ],
        credentials: false,
      });
      expect(sent.headers).toEqual(
        expect.arrayContaining([
          ['constructor', 'a, b'],
          ['__proto__', 'p'],
        ]),
      );
      expect(seen).toEqual(expect.arrayContaining(['constructor', 'a, b', '__proto__', 'p']));
    } finally {
      server.close();
    }
  });
});
