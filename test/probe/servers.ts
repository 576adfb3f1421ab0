// Loopback servers that answer as API Gateway does. Header values and bodies are those of the AWS
// guide's curl transcripts and of API Gateway's documented gateway responses.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeaderList } from '../../src/browser/index.js';
import { runCli } from '../support/run-cli.js';

export interface Received {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: HeaderList;
}

export interface Answer {
  status: number;
  headers: HeaderList;
  body?: string;
}

export interface TestServer {
  /** `http://127.0.0.1:port` */
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

export type Handler = (req: Received) => Answer;

export async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const headers: HeaderList = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
    const r: Received = { method: req.method ?? '', url: req.url ?? '', headers };
    received.push(r);
    req.resume();
    req.on('end', () => {
      const a = handler(r);
      res.writeHead(a.status, a.headers.flat());
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function header(r: Received, name: string): string | undefined {
  return r.headers.find(([n]) => n === name)?.[1];
}

const AMZN: HeaderList = [
  ['x-amzn-RequestId', '7a0d1ee5-7d4c-4a3b-9f0e-2f4c9e3e6d11'],
  ['x-amz-apigw-id', 'Jd3mBFx8oAMEbzQ='],
];

/** The guide's first transcript: the OPTIONS mock with the three `*` headers. */
export const GUIDE_PREFLIGHT_200: Answer = {
  status: 200,
  headers: [
    ['Content-Type', 'application/json'],
    ['Content-Length', '0'],
    ['Connection', 'keep-alive'],
    ...AMZN,
    ['access-control-allow-origin', '*'],
    ['access-control-allow-headers', '*'],
    ['access-control-allow-methods', '*'],
  ],
};

/** API Gateway's own error answer (a gateway response) with its error type. */
export function gatewayError(status: number, type: string, message: string, extra: HeaderList = []): Answer {
  const body = JSON.stringify({ message });
  return {
    status,
    headers: [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)],
      ['Connection', 'keep-alive'],
      ...AMZN,
      ['x-amzn-ErrorType', type],
      ...extra,
    ],
    body,
  };
}

/** The guide's second transcript: 403 Forbidden because the API key is required on OPTIONS too. */
export const FORBIDDEN_403 = gatewayError(403, 'ForbiddenException', 'Forbidden');
export const MISSING_TOKEN_403 = gatewayError(
  403,
  'MissingAuthenticationTokenException',
  'Missing Authentication Token',
);
export const UNAUTHORIZED_401 = gatewayError(401, 'UnauthorizedException', 'Unauthorized');

/** A Lambda proxy answer: the handler's headers, API Gateway's request ids. */
export function lambdaAnswer(status: number, headers: HeaderList, body = '{"ok":true}'): Answer {
  return {
    status,
    headers: [['Content-Type', 'application/json'], ...AMZN, ['X-Amzn-Trace-Id', 'Root=1-0-0'], ...headers],
    body,
  };
}

/** The CLI in-process, output as written (probe decides colour itself: only on a TTY). */
export const run = (argv: string[]) => runCli(argv);
