/** The request log: one line per request, with the browser's verdict when an Origin came in. */
import { describe, expect, it } from 'vitest';
import { requestLogLine } from '../../src/serve/log.js';
import type { Exchange } from '../../src/serve/server.js';

const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

function exchange(
  method: string,
  reqHeaders: Array<[string, string]>,
  status: number,
  resHeaders: Array<[string, string]>,
  reason?: string,
): Exchange {
  return {
    request: {
      method,
      path: '/items',
      query: '',
      headers: reqHeaders,
      body: undefined,
      sourceIp: '127.0.0.1',
      domainName: '127.0.0.1:3000',
    },
    response: {
      status,
      headers: resHeaders,
      body: '',
      trace: { requestId: 'r', kind: reason ? 'gateway-response' : 'proxy', reason },
    },
    started: 0,
    durationMs: 1.25,
  };
}

describe('request log line', () => {
  it('method, path, status and duration, on one line', () => {
    const line = plain(requestLogLine(exchange('GET', [], 200, [])));
    expect(line).toBe('GET     /items 200 1.3 ms');
  });
  it('a blocked preflight says what the browser would do, with its reason, on the same line', () => {
    const line = plain(
      requestLogLine(
        exchange(
          'OPTIONS',
          [
            ['Origin', 'https://app.example.com'],
            ['Access-Control-Request-Method', 'PUT'],
          ],
          403,
          [['x-amzn-ErrorType', 'ForbiddenException']],
          'the key guards the preflight',
        ),
      ),
    );
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('— the key guards the preflight');
    // Chromium's reason, named as Chromium's: WebKit names the 403 status for this answer instead.
    expect(line).toContain(
      "✗ a browser on https://app.example.com would be blocked in all three (Chromium: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header",
    );
  });
  it('an accepted response from an allowed origin', () => {
    const line = plain(
      requestLogLine(
        exchange('GET', [['Origin', 'https://app.example.com']], 200, [
          ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ]),
      ),
    );
    expect(line).toContain(
      '✓ a browser on https://app.example.com would accept the response (allowed in all three)',
    );
  });
});

describe('the log never hands a terminal control bytes from a request or a handler', () => {
  // What a terminal acts on: C0 controls (ESC starts an escape sequence: ESC [2J clears the screen,
  // ESC ]0;… retitles the window), DEL, and C1 controls (U+009B is CSI on terminals that honour 8-bit
  // controls), plus the bidi overrides that make a line read other than it is (CVE-2021-42574).
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  it('a handler’s header value and the gateway’s reason are printed escaped (\\x1b), never raw', () => {
    const x = exchange(
      'GET',
      [['Origin', 'https://app.example.com']],
      200,
      [['Access-Control-Allow-Origin', 'https://app.example.com\u001b[2J\u001b]0;owned\u0007']],
      'a reason with \u009b31m and \u202e in it',
    );
    x.request.path = '/items/\u001b[31m';
    x.request.query = 'q=\u0085';
    const line = plain(requestLogLine(x));
    expect(line).not.toMatch(CONTROL);
    expect(line).toContain('/items/\\x1b[31m?q=\\x85');
    expect(line).toContain('\\x1b[2J\\x1b]0;owned\\x07');
    expect(line).toContain('a reason with \\x9b31m and \\u202e in it');
  });
  it('an Origin with obs-text (bytes 0x80–0xff, which node:http lets through) is printed escaped', () => {
    const x = exchange('GET', [['Origin', 'https://app.example.com\u009b2J']], 200, []);
    expect(plain(requestLogLine(x))).not.toMatch(CONTROL);
  });
});
