// `crossgate probe --routes template.yaml --base-url https://…/Prod`: every route of the template,
// probed against a deployed stage from every origin the template trusts plus one it does not, as
// `check` would simulate it — the same fetch() the page makes (its method, its key header, a JSON body
// for methods that carry one).

import { ENGINE_NAMES, ENGINES, type Engine, type HeaderList } from '../browser/index.js';
import type { DeployedApi, Deployment } from '../sam/model.js';
import { amznErrorType } from './cause.js';
import { type Agents, createAgents } from './http.js';
import { mapLimit } from './pool.js';
import { type ProbeResult, probe } from './probe.js';

/** An origin no template trusts: what an arbitrary site gets. */
export const FOREIGN_ORIGIN = 'https://not-allowed.example';

export interface RouteProbe {
  api: string;
  /** As in the template: `/items/{id}`. */
  path: string;
  method: string;
  /** The URL probed: `{id}` → `1`, `{proxy+}` → `probe`. */
  url: string;
  apiKeyRequired: boolean;
  authorizer: string | undefined;
  headers: HeaderList;
  bodyType: string | undefined;
}

export interface RoutesOptions {
  /** The engines whose verdicts decide each cell (`--browser`); default all three. */
  engines?: Engine[];
  baseUrl: string;
  /** Origins to probe from; default: the template's AllowOrigin values plus {@link FOREIGN_ORIGIN}. */
  origins?: string[];
  /** Headers the page sends (`authorization: …`); `x-api-key` goes only to methods that require a key. */
  headers?: HeaderList;
  credentials?: 'omit' | 'same-origin' | 'include';
  timeoutMs?: number;
  concurrency?: number;
  /** Only this Api (logical id) when the template has several. */
  api?: string;
  onProgress?: (done: number, total: number) => void;
  /**
   * Also probe methods that change data (POST, PUT, PATCH, DELETE). Off by default: after its
   * preflight the browser sends the actual request, and against a deployed stage that is a real write.
   */
  allowWrites?: boolean;
}

export interface RoutesResult {
  /** Routes left out because probing them would send a real write (see `allowWrites`). */
  skipped?: string[];
  origins: string[];
  /** Origins the template trusts (a blocked cell in these columns is a failure). */
  trusted: string[];
  routes: RouteProbe[];
  /** results[route][origin], in the order of `routes` and `origins`. */
  results: ProbeResult[][];
  exitCode: 0 | 1 | 2;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Replaces path parameters with sample values: `{id}` → `1`, `{proxy+}` → `probe`. */
export function samplePath(path: string): string {
  return path.replace(/\{[^}]+\+\}/g, 'probe').replace(/\{[^}]+\}/g, '1');
}

/** The origins the template's OPTIONS mocks name in Access-Control-Allow-Origin, `*` left out. */
export function templateOrigins(apis: DeployedApi[]): { origins: string[]; wildcard: boolean } {
  const out = new Set<string>();
  let wildcard = false;
  for (const api of apis)
    for (const r of api.resources)
      for (const m of r.methods)
        for (const h of m.mockHeaders)
          if (h.name.toLowerCase() === 'access-control-allow-origin' && h.value !== undefined) {
            if (h.value === '*') wildcard = true;
            else out.add(h.value);
          }
  return { origins: [...out], wildcard };
}

function has(list: HeaderList, name: string): boolean {
  return list.some(([n]) => n.toLowerCase() === name);
}

/** Every route the page can call (OPTIONS mocks left out: they are the preflights). */
export function routeProbes(apis: DeployedApi[], baseUrl: string, given: HeaderList = []): RouteProbe[] {
  const base = baseUrl.replace(/\/+$/, '');
  const out: RouteProbe[] = [];
  for (const api of apis)
    for (const r of api.resources)
      for (const m of r.methods) {
        if (m.method === 'OPTIONS') continue;
        const method = m.method === 'ANY' ? 'GET' : m.method;
        // The page sends the key only where the method requires it (a given x-api-key goes there; a
        // placeholder when none was given: the preflight is judged the same, and the actual answer
        // shows whether API Gateway's 403 carries CORS headers).
        const keyed = m.apiKeyRequired && api.apiKeySource !== 'AUTHORIZER';
        const headers: HeaderList = given.filter(([n]) => keyed || n.toLowerCase() !== 'x-api-key');
        if (keyed && !has(headers, 'x-api-key')) headers.push(['x-api-key', 'crossgate-probe']);
        const auth = m.authorizer !== undefined ? api.authorizers[m.authorizer] : undefined;
        if (auth && auth.type !== 'AWS_IAM')
          for (const h of auth.identityHeaders.length > 0 ? auth.identityHeaders : ['Authorization'])
            if (!has(headers, h.toLowerCase())) headers.push([h.toLowerCase(), 'crossgate-probe']);
        out.push({
          api: api.logicalId,
          path: r.path,
          method,
          url: `${base}${samplePath(r.path)}`,
          apiKeyRequired: m.apiKeyRequired,
          authorizer: m.authorizer,
          headers,
          bodyType: BODY_METHODS.has(method) && method !== 'DELETE' ? 'application/json' : undefined,
        });
      }
  return out;
}

export function selectApis(deployment: Deployment, api: string | undefined): DeployedApi[] {
  if (api === undefined) return deployment.apis;
  return deployment.apis.filter((a) => a.logicalId === api);
}

export async function probeRoutes(deployment: Deployment, o: RoutesOptions): Promise<RoutesResult> {
  const apis = selectApis(deployment, o.api);
  const given = o.origins !== undefined && o.origins.length > 0;
  const fromTemplate = templateOrigins(apis);
  // With `AllowOrigin: '*'` every origin is meant to be allowed, the foreign one included.
  const trusted = given
    ? o.origins!
    : fromTemplate.wildcard
      ? [...fromTemplate.origins, FOREIGN_ORIGIN]
      : fromTemplate.origins;
  const origins = given ? o.origins! : [...fromTemplate.origins, FOREIGN_ORIGIN];
  const all = routeProbes(apis, o.baseUrl, o.headers);
  const routes = o.allowWrites ? all : all.filter((r) => r.method === 'GET' || r.method === 'HEAD');
  const skipped = all.filter((r) => !routes.includes(r)).map((r) => `${r.method} ${r.path}`);
  const jobs = routes.flatMap((route, i) => origins.map((origin, j) => ({ route, origin, i, j })));
  const concurrency = o.concurrency ?? 4;
  const agents: Agents = createAgents(concurrency);
  const results: ProbeResult[][] = routes.map(() => []);
  try {
    await mapLimit(
      jobs,
      concurrency,
      async ({ route, origin, i, j }) => {
        results[i][j] = await probe({
          url: route.url,
          origin,
          method: route.method,
          headers: route.headers,
          credentials: o.credentials,
          bodyType: route.bodyType,
          timeoutMs: o.timeoutMs,
          agents,
          engines: o.engines,
        });
      },
      o.onProgress,
    );
  } finally {
    agents.close();
  }
  const flat = results.flat();
  const exitCode =
    flat.length > 0 && flat.every((r) => r.outcome === 'error')
      ? 2
      : flat.some((r) => r.outcome === 'error')
        ? 2
        : results.some((row) => row.some((r, j) => trusted.includes(origins[j]) && r.outcome !== 'allowed'))
          ? 1
          : 0;
  return { origins, trusted, routes, results, exitCode, skipped };
}

function cell(r: ProbeResult): string {
  if (r.outcome === 'error') return 'error';
  if (r.outcome === 'allowed') {
    const res = r.verdict?.actual?.response;
    const type = res ? amznErrorType(res) : undefined;
    return `allowed ${res?.status ?? ''}${type ? ` ${type}` : ''}`.trimEnd();
  }
  const v = r.verdict!;
  return `blocked ${v.failedStep === 'preflight' ? 'preflight' : 'actual'}: ${r.gateway?.id ?? v.errorCode ?? ''}`;
}

/** The routes × origins table, then one line per blocked cell from a trusted origin. */
export function routesText(
  r: RoutesResult,
  color: { red(s: string): string; green(s: string): string; dim(s: string): string },
): string {
  const note = r.skipped?.length
    ? color.dim(
        `not probed (each would send a real write after its preflight; pass --allow-writes): ${r.skipped.join(', ')}\n`,
      )
    : '';
  const header = ['route', ...r.origins.map((o) => (r.trusted.includes(o) ? o : `${o} (not trusted)`))];
  const rows = r.routes.map((route, i) => [`${route.method} ${route.path}`, ...r.results[i].map(cell)]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
  const line = (cells: string[], paint = false) =>
    cells
      .map((c, k) => {
        const padded = c.padEnd(widths[k]);
        if (!paint || k === 0) return padded;
        return c.startsWith('allowed')
          ? color.green(padded)
          : c.startsWith('error')
            ? color.red(padded)
            : color.red(padded);
      })
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(row, true))];
  if (r.trusted.length === 0)
    out.push(
      '',
      color.dim('The template names no origin in Cors.AllowOrigin: no column is expected to be allowed.'),
    );
  const details: string[] = [];
  r.routes.forEach((route, i) => {
    r.results[i].forEach((res, j) => {
      if (res.outcome === 'allowed') return;
      if (res.outcome === 'blocked' && !r.trusted.includes(r.origins[j])) return;
      details.push(`${route.method} ${route.path} from ${r.origins[j]}:`);
      if (res.outcome === 'error') details.push(`  ${res.error}`);
      else {
        const v = res.verdict;
        if (v)
          for (const e of res.engines ?? ENGINES)
            for (const line of v.engines[e].consoleMessages) details.push(`  ${ENGINE_NAMES[e]}: ${line}`);
        if (res.gateway) details.push(`  Likely cause: ${res.gateway.summary}`, `  Fix: ${res.gateway.fix}`);
      }
    });
  });
  if (details.length > 0) out.push('', ...details);
  return `${out.join('\n')}\n${note ? `\n${note}` : ''}`;
}

export function routesJson(r: RoutesResult): Record<string, unknown> {
  return {
    verdict: r.exitCode === 0 ? 'allowed' : r.exitCode === 1 ? 'blocked' : 'error',
    exitCode: r.exitCode,
    origins: r.origins,
    trusted: r.trusted,
    routes: r.routes.map((route, i) => ({
      api: route.api,
      method: route.method,
      path: route.path,
      url: route.url,
      results: r.results[i].map((res, j) => ({
        origin: r.origins[j],
        verdict: res.outcome,
        failedStep: res.verdict?.failedStep ?? null,
        errorCode: res.verdict?.errorCode ?? null,
        message: res.verdict?.consoleMessage ?? null,
        cause: res.gateway ?? null,
        error: res.error ?? null,
      })),
    })),
  };
}
