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
    expect(line).toContain('✗ a browser on https://app.example.com would be blocked in all three:');
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
