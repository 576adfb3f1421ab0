// `crossgate probe URL --scan`: looks for exploitable CORS misconfigurations the way CORScanner and
// Corsy do — send crafted `Origin` values and see which ones the server trusts. "Trusts" is decided by
// the browser model's own CORS check (Fetch §4.9, corsCheck): a finding means a page on that crafted
// origin could read the answer, with credentials when Access-Control-Allow-Credentials: true.
// Classes after PortSwigger "Exploiting CORS misconfigurations" and the CORScanner/Corsy test lists.

import { corsCheck, type HeaderList, readCorsHeaders, type WireRequest } from '../browser/index.js';
import { printable } from '../text/printable.js';
import {
  type Agents,
  ConnectError,
  createAgents,
  type ReceivedResponse,
  type SentRequest,
  send,
} from './http.js';
import { mapLimit } from './pool.js';

export type Risk = 'high' | 'medium' | 'low';

export type ScanClass =
  | 'reflect-origin-with-credentials'
  | 'reflect-any-origin'
  | 'prefix-match'
  | 'suffix-match'
  | 'unescaped-dot'
  | 'special-characters'
  | 'null-origin'
  | 'http-downgrade'
  | 'arbitrary-subdomain'
  | 'wildcard-with-credentials';

export interface ScanFinding {
  id: ScanClass;
  risk: Risk;
  /** One line: what the server does and what an attacker gains. */
  explanation: string;
  /** The crafted Origin that proved it. */
  origin: string;
  credentials: boolean;
  /** The request that proved it, as sent, and the CORS headers of its answer. */
  request: SentRequest;
  response: { status: number; headers: HeaderList };
}

export interface ScanOptions {
  url: string;
  /** The origin the API is meant to trust; crafted origins are built from it (default: the URL's). */
  origin?: string;
  /** Method of the probing requests (default GET). */
  method?: string;
  /** Headers sent with every probing request (e.g. x-api-key). */
  headers?: HeaderList;
  timeoutMs?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ScanResult {
  url: string;
  /** The origin the crafted ones were built from. */
  base: string;
  findings: ScanFinding[];
  /** Requests sent. */
  requests: number;
  /** Requests that got no answer. */
  errors: string[];
  /** 0 nothing found, 1 findings, 2 nothing answered. */
  exitCode: 0 | 1 | 2;
}

interface Probe {
  cls: ScanClass | 'arbitrary';
  origin: string;
}

/** Second-level labels under which a registrable domain takes three labels (`example.co.uk`). */
const SLD = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go']);

/** The registrable domain, approximately (no Public Suffix List): `app.example.com` → `example.com`. */
export function registrableDomain(host: string): string {
  if (/^[\d.]+$/.test(host) || host.startsWith('[') || !host.includes('.')) return host;
  const labels = host.split('.');
  const n = labels.length >= 3 && labels.at(-1)!.length === 2 && SLD.has(labels.at(-2)!) ? 3 : 2;
  return labels.slice(-n).join('.');
}

export const ARBITRARY_ORIGIN = 'https://crossgate-scan.evil.example';

/** The crafted origins, per class, built from the trusted origin `base` (`https://app.example.com`). */
export function craftedOrigins(base: string): Probe[] {
  const u = new URL(base);
  const scheme = u.protocol.slice(0, -1);
  const host = u.host; // with port
  const name = u.hostname;
  const port = u.port ? `:${u.port}` : '';
  const domain = registrableDomain(name);
  const probes: Probe[] = [
    { cls: 'arbitrary', origin: ARBITRARY_ORIGIN },
    { cls: 'prefix-match', origin: `${scheme}://${name}.evil.net${port}` },
    { cls: 'suffix-match', origin: `${scheme}://evil${domain}${port}` },
    { cls: 'null-origin', origin: 'null' },
    { cls: 'special-characters', origin: `${scheme}://${name}_.evil.net${port}` },
    { cls: 'special-characters', origin: `${scheme}://${name}%60.evil.net${port}` },
    { cls: 'special-characters', origin: `${scheme}://${name}\`.evil.net${port}` },
    { cls: 'arbitrary-subdomain', origin: `${scheme}://crossgate-scan.${domain}${port}` },
  ];
  if (domain !== name)
    probes.splice(2, 0, { cls: 'prefix-match', origin: `${scheme}://${domain}.evil.net${port}` });
  // `app.example.com` written as an unescaped regex also matches `appxexample.com`, which anyone can register.
  if (domain !== name) {
    const cut = name.length - domain.length - 1;
    probes.push({
      cls: 'unescaped-dot',
      origin: `${scheme}://${name.slice(0, cut)}x${name.slice(cut + 1)}${port}`,
    });
  }
  if (scheme === 'https') probes.push({ cls: 'http-downgrade', origin: `http://${host}` });
  return probes;
}

const EXPLAIN: Record<ScanClass, string> = {
  'reflect-origin-with-credentials':
    "echoes any Origin with Access-Control-Allow-Credentials: true: any web page can read responses with the visitor's cookies or HTTP auth",
  'reflect-any-origin':
    'echoes any Origin: any web page can read responses that need no credentials (with an API key in a header, an attacker needs the key, but the allow-list is not doing anything)',
  'prefix-match':
    'trusts an origin that merely starts with the trusted host: the attacker registers that host as a subdomain of their own domain',
  'suffix-match':
    'trusts an origin that merely ends with the trusted domain: the attacker registers a domain with that suffix',
  'unescaped-dot':
    'matches origins with an unescaped `.` in a regular expression: the attacker registers the look-alike domain',
  'special-characters':
    'trusts an origin where the trusted host is followed by a special character (_ ` { } ! $ & …): Chromium, Firefox and WebKit all parse such a host name, so a page can live on it',
  'null-origin': 'trusts the `null` origin, which any page can send from a sandboxed iframe or a data: URL',
  'http-downgrade':
    'trusts the http: version of an https: origin: an attacker on the network (public Wi-Fi) injects a page on it',
  'arbitrary-subdomain':
    'trusts any subdomain: one XSS or subdomain takeover anywhere under the domain reads this API',
  'wildcard-with-credentials':
    'sends Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true; browsers refuse that pair, so credentialed calls fail, and it shows the intent to share credentialed data with everyone',
};

function riskOf(cls: ScanClass, credentials: boolean): Risk {
  switch (cls) {
    case 'reflect-origin-with-credentials':
      return 'high';
    case 'http-downgrade':
    case 'arbitrary-subdomain':
      return credentials ? 'medium' : 'low';
    case 'wildcard-with-credentials':
      return 'low';
    default:
      return credentials ? 'high' : 'medium';
  }
}

const RISK_ORDER: Record<Risk, number> = { high: 0, medium: 1, low: 2 };

/** Classes that any reflecting server trips as well: reported only when arbitrary origins are not echoed. */
const IMPLIED_BY_REFLECTION = new Set<ScanClass>([
  'prefix-match',
  'suffix-match',
  'unescaped-dot',
  'special-characters',
  'http-downgrade',
  'arbitrary-subdomain',
]);

function requestsFor(o: ScanOptions, origin: string): WireRequest[] {
  const method = o.method ?? 'GET';
  const extra = o.headers ?? [];
  const unsafe = [...new Set(extra.map(([n]) => n.toLowerCase()))].sort();
  const preflight: HeaderList = [
    ['accept', '*/*'],
    ['origin', origin],
    ['access-control-request-method', method],
  ];
  if (unsafe.length > 0) preflight.push(['access-control-request-headers', unsafe.join(',')]);
  return [
    { method, url: o.url, headers: [['accept', '*/*'], ...extra, ['origin', origin]], credentials: true },
    { method: 'OPTIONS', url: o.url, headers: preflight, credentials: false },
  ];
}

/** Sends every crafted origin (an actual request and a preflight each) and reports what the server trusts. */
export async function scan(o: ScanOptions): Promise<ScanResult> {
  const base = o.origin ?? new URL(o.url).origin;
  const probes = craftedOrigins(base);
  const jobs = probes.flatMap((p) => requestsFor(o, p.origin).map((req) => ({ probe: p, req })));
  const concurrency = o.concurrency ?? 4;
  const agents: Agents = createAgents(concurrency);
  const errors: string[] = [];
  let answered = 0;
  let answers: Array<{ sent: SentRequest; response: ReceivedResponse } | undefined>;
  try {
    answers = await mapLimit(
      jobs,
      concurrency,
      async ({ req }) => {
        try {
          const r = await send(req, { timeoutMs: o.timeoutMs, agents });
          answered++;
          return r;
        } catch (error) {
          if (!(error instanceof ConnectError)) throw error;
          errors.push(
            `${req.method} Origin: ${req.headers.find(([n]) => n === 'origin')?.[1]}: ${error.message}`,
          );
          return undefined;
        }
      },
      o.onProgress,
    );
  } finally {
    agents.close();
  }

  const found = new Map<ScanClass, ScanFinding>();
  const record = (
    id: ScanClass,
    origin: string,
    credentials: boolean,
    a: { sent: SentRequest; response: ReceivedResponse },
  ) => {
    const prev = found.get(id);
    // Keep the strongest proof: credentials beat none; otherwise the first one (the actual request).
    if (prev && (prev.credentials || !credentials)) return;
    found.set(id, {
      id,
      risk: riskOf(id, credentials),
      explanation: EXPLAIN[id],
      origin,
      credentials,
      request: a.sent,
      response: {
        status: a.response.status,
        headers: a.response.headers.filter(
          ([n]) => n.toLowerCase().startsWith('access-control-') || n.toLowerCase() === 'vary',
        ),
      },
    });
  };
  jobs.forEach(({ probe }, i) => {
    const a = answers[i];
    if (!a) return;
    const h = readCorsHeaders(a.response.headers);
    if (probe.cls === 'arbitrary' && h.allowOrigin === '*' && h.allowCredentials === 'true')
      record('wildcard-with-credentials', probe.origin, false, a);
    // Fetch §4.9: the crafted origin is trusted when the response names it exactly.
    if (h.allowOrigin !== probe.origin || !corsCheck(h, probe.origin, false).ok) return;
    const credentials = corsCheck(h, probe.origin, true).ok;
    const id: ScanClass =
      probe.cls === 'arbitrary'
        ? credentials
          ? 'reflect-origin-with-credentials'
          : 'reflect-any-origin'
        : probe.cls;
    record(id, probe.origin, credentials, a);
  });
  const reflects = found.has('reflect-any-origin') || found.has('reflect-origin-with-credentials');
  const findings = [...found.values()]
    .filter((f) => !(reflects && IMPLIED_BY_REFLECTION.has(f.id)))
    .sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk]);
  return {
    url: o.url,
    base,
    findings,
    requests: jobs.length,
    errors,
    exitCode: answered === 0 ? 2 : findings.length > 0 ? 1 : 0,
  };
}

/** The text report of a scan. */
export function scanText(
  r: ScanResult,
  color: {
    red(s: string): string;
    yellow(s: string): string;
    green(s: string): string;
    bold(s: string): string;
    dim(s: string): string;
  },
): string {
  const out: string[] = [];
  out.push(`* scanning ${r.url} with ${r.requests} requests, crafted origins built from ${r.base}`);
  out.push('');
  if (r.findings.length === 0 && r.exitCode !== 2)
    out.push(color.green('No exploitable CORS misconfiguration found.'));
  for (const f of r.findings) {
    const risk =
      f.risk === 'high' ? color.red('HIGH') : f.risk === 'medium' ? color.yellow('MEDIUM') : color.dim('LOW');
    out.push(`${risk} ${color.bold(f.id)}: the API ${f.explanation}.`);
    out.push(`  > ${f.request.method} ${f.request.url}`);
    for (const [n, v] of f.request.headers)
      if (n.toLowerCase() === 'origin' || n.toLowerCase().startsWith('access-control-'))
        out.push(`  > ${n}: ${v}`);
    out.push(`  < ${f.response.status}`);
    // The scanned server's header values are shown as text (they may hold terminal controls).
    for (const [n, v] of f.response.headers) out.push(`  < ${n}: ${printable(v)}`);
    out.push('');
  }
  if (r.errors.length > 0) {
    out.push(`${r.errors.length} request${r.errors.length > 1 ? 's' : ''} got no answer:`);
    for (const e of r.errors.slice(0, 5)) out.push(`  ${printable(e)}`);
  }
  return `${out.join('\n')}\n`;
}

export function scanJson(r: ScanResult): Record<string, unknown> {
  return {
    verdict: r.exitCode === 2 ? 'error' : r.findings.length > 0 ? 'findings' : 'clean',
    exitCode: r.exitCode,
    url: r.url,
    base: r.base,
    requests: r.requests,
    findings: r.findings,
    errors: r.errors,
  };
}
