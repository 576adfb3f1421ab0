/** `crossgate probe --scan`: crafted Origins against deliberately misconfigured servers, one per class. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HeaderList } from '../../src/browser/index.js';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import { craftedOrigins, registrableDomain, type ScanClass, scan } from '../../src/probe/scan.js';
import { serve } from '../../src/serve/serve.js';
import { header, lambdaAnswer, run, startServer, type TestServer } from './servers.js';

const APP = 'https://app.example.com';

/** A server that trusts the origins `trusts` accepts: it echoes them, with credentials when asked. */
function policyServer(trusts: (origin: string) => boolean, credentials = false): Promise<TestServer> {
  return startServer((req) => {
    const origin = header(req, 'origin');
    const cors: HeaderList =
      origin !== undefined && trusts(origin)
        ? [
            ['Access-Control-Allow-Origin', origin],
            ...(credentials ? ([['Access-Control-Allow-Credentials', 'true']] as HeaderList) : []),
            ['Vary', 'Origin'],
          ]
        : [['Vary', 'Origin']];
    if (req.method === 'OPTIONS')
      return {
        status: 204,
        headers: [
          ...cors,
          ['Access-Control-Allow-Methods', 'GET,OPTIONS'],
          ['Access-Control-Allow-Headers', 'x-api-key'],
        ],
      };
    return lambdaAnswer(200, cors);
  });
}

/** A naive host check that stops at the first character not allowed in a host name. */
const naiveHost = (o: string) => o.replace(/^https:\/\//, '').split(/[^a-z0-9.-]/)[0] === 'app.example.com';

const CLASSES: Array<[ScanClass, string, () => Promise<TestServer>]> = [
  ['reflect-any-origin', 'echoes every Origin', () => policyServer(() => true)],
  [
    'reflect-origin-with-credentials',
    'echoes every Origin with Access-Control-Allow-Credentials: true',
    () => policyServer(() => true, true),
  ],
  [
    'prefix-match',
    "checks origin.startsWith('https://app.example.com')",
    () => policyServer((o) => o.startsWith(APP)),
  ],
  [
    'suffix-match',
    "checks origin.endsWith('example.com')",
    () => policyServer((o) => o.endsWith('example.com')),
  ],
  [
    'unescaped-dot',
    'matches /^https:\\/\\/app.example\\.com$/ (first dot unescaped)',
    () => policyServer((o) => /^https:\/\/app.example\.com$/.test(o)),
  ],
  [
    'special-characters',
    'extracts the host naively, stopping at `_` or a backtick',
    () => policyServer(naiveHost),
  ],
  [
    'null-origin',
    "allows 'null' for local development",
    () => policyServer((o) => o === APP || o === 'null'),
  ],
  [
    'http-downgrade',
    'allows the origin on http: and https:',
    () => policyServer((o) => o === APP || o === 'http://app.example.com'),
  ],
  [
    'arbitrary-subdomain',
    'allows /^https:\\/\\/[a-z0-9-]+\\.example\\.com$/',
    () => policyServer((o) => /^https:\/\/[a-z0-9-]+\.example\.com$/.test(o)),
  ],
  [
    'wildcard-with-credentials',
    "sends '*' with Access-Control-Allow-Credentials: true",
    () =>
      startServer(() =>
        lambdaAnswer(200, [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Credentials', 'true'],
        ]),
      ),
  ],
];

afterEach(() => vi.restoreAllMocks());

describe('crossgate probe --scan: each misconfiguration class (PortSwigger "Exploiting CORS misconfigurations"; CORScanner and Corsy test lists)', () => {
  it.each(CLASSES)(
    'finds %s on a server that %s, with the request that proved it, and exits 1',
    async (cls, _how, start) => {
      const server = await start();
      try {
        const { code, stdout } = await run([
          'probe',
          `${server.origin}/Prod/items`,
          '--scan',
          '--origin',
          APP,
          '--json',
        ]);
        expect(code).toBe(1);
        const j = JSON.parse(stdout);
        expect(j.verdict).toBe('findings');
        const f = j.findings.find((x: { id: string }) => x.id === cls);
        expect(f, JSON.stringify(j.findings.map((x: { id: string }) => x.id))).toBeDefined();
        expect(f.explanation.length).toBeGreaterThan(20);
        expect(['high', 'medium', 'low']).toContain(f.risk);
        const sentOrigin = f.request.headers.find(([n]: [string, string]) => n === 'origin')[1];
        expect(sentOrigin).toBe(f.origin);
        if (cls !== 'wildcard-with-credentials')
          expect(f.response.headers).toContainEqual(['Access-Control-Allow-Origin', f.origin]);
      } finally {
        await server.close();
      }
    },
  );

  it('rates reflection high with credentials and medium without (Fetch §4.9: credentialed reads need Allow-Credentials: true)', async () => {
    const plain = await policyServer(() => true);
    const creds = await policyServer(() => true, true);
    try {
      const a = await scan({ url: `${plain.origin}/x`, origin: APP });
      const b = await scan({ url: `${creds.origin}/x`, origin: APP });
      expect(a.findings.find((f) => f.id === 'reflect-any-origin')?.risk).toBe('medium');
      expect(b.findings[0]).toMatchObject({
        id: 'reflect-origin-with-credentials',
        risk: 'high',
        credentials: true,
      });
      // Reflection implies the prefix/suffix/subdomain classes: they are not repeated.
      expect(b.findings.map((f) => f.id)).not.toContain('suffix-match');
    } finally {
      await plain.close();
      await creds.close();
    }
  });

  it('finds nothing on a server that echoes only its one trusted origin, and exits 0', async () => {
    const safe = await policyServer((o) => o === APP, true);
    try {
      const { code, stdout, stderr } = await run([
        'probe',
        `${safe.origin}/Prod/items`,
        '--scan',
        '--origin',
        APP,
      ]);
      expect(code).toBe(0);
      expect(stdout).toContain('No exploitable CORS misconfiguration found.');
      // stderr is not a TTY here: no progress line.
      expect(stderr).toBe('');
    } finally {
      await safe.close();
    }
  });

  it("finds nothing on the guide's '*' without credentials: any site may read what needs no credentials, by design", async () => {
    const star = await startServer(() => lambdaAnswer(200, [['Access-Control-Allow-Origin', '*']]));
    try {
      const r = await scan({ url: `${star.origin}/x`, origin: APP });
      expect(r.findings).toEqual([]);
      expect(r.exitCode).toBe(0);
    } finally {
      await star.close();
    }
  });

  it("the scanned server's header values are printed as text: a C1 control (U+009B, CSI) is escaped (developers' guide: never echo raw header bytes)", async () => {
    const server = await startServer((req) =>
      lambdaAnswer(200, [
        ['Access-Control-Allow-Origin', header(req, 'origin') ?? '*'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Expose-Headers', 'a\u009b2J'],
      ]),
    );
    try {
      const { stdout } = await run(['probe', `${server.origin}/x`, '--scan', '--origin', APP]);
      expect(stdout).toContain('< Access-Control-Expose-Headers: a\\x9b2J');
      expect(stdout).not.toMatch(/[\u0080-\u009f]/);
    } finally {
      await server.close();
    }
  });

  it('the text report gives the risk, the class, the explanation and the proving request', async () => {
    const server = await policyServer((o) => o === APP || o === 'null', true);
    try {
      const { code, stdout } = await run(['probe', `${server.origin}/x`, '--scan', '--origin', APP]);
      expect(code).toBe(1);
      expect(stdout).toContain('HIGH null-origin: the API trusts the `null` origin');
      expect(stdout).toContain('  > origin: null');
      expect(stdout).toContain('  < Access-Control-Allow-Origin: null');
      expect(stdout).toContain('  < Access-Control-Allow-Credentials: true');
    } finally {
      await server.close();
    }
  });
});

describe('crossgate probe --scan: requests', () => {
  it('builds the crafted origins from the trusted origin and its registrable domain', () => {
    expect(registrableDomain('app.example.com')).toBe('example.com');
    expect(registrableDomain('www.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('127.0.0.1')).toBe('127.0.0.1');
    const origins = craftedOrigins(APP).map((p) => p.origin);
    expect(origins).toEqual(
      expect.arrayContaining([
        'https://app.example.com.evil.net',
        'https://example.com.evil.net',
        'https://evilexample.com',
        'https://appxexample.com',
        'null',
        'http://app.example.com',
        'https://crossgate-scan.example.com',
        'https://app.example.com_.evil.net',
        'https://app.example.com%60.evil.net',
      ]),
    );
  });

  it('keeps at most --concurrency requests in flight and never retries', async () => {
    let inFlight = 0;
    let peak = 0;
    let total = 0;
    const server = http.createServer((_req, res) => {
      inFlight++;
      total++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(500).end();
      }, 15);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await scan({ url: `http://127.0.0.1:${port}/x`, origin: APP, concurrency: 2 });
      expect(peak).toBeLessThanOrEqual(2);
      expect(total).toBe(r.requests);
      expect(r.findings).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('exits 2 when nothing answers', async () => {
    const gone = await startServer(() => lambdaAnswer(200, []));
    await gone.close();
    const { code } = await run(['probe', `${gone.origin}/x`, '--scan', '--timeout', '500']);
    expect(code).toBe(2);
  });
});

describe('crossgate probe --scan against crossgate serve', () => {
  let running: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const { model, deployment } = loadTemplateFile('examples/proxy-api/template.yaml');
    running = await serve(model, deployment, { port: 0, stagePrefix: true, watch: false, apiKeys: ['k1'] });
  }, 30_000);
  afterAll(() => running?.close());

  it('finds nothing on examples/proxy-api (one exact origin on the mock, withCors allow-list in the handlers, CORS on gateway responses)', async () => {
    for (const path of ['/Prod/items', '/Prod/health', '/Prod/items/1']) {
      const r = await scan({
        url: `${running.server.url}${path}`,
        origin: 'http://localhost:5173',
        headers: [['x-api-key', 'k1']],
      });
      expect(r.errors).toEqual([]);
      expect(r.findings, path).toEqual([]);
    }
  });
});
