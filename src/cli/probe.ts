/**
 * `crossgate probe URL --origin O`: the guide's `curl -v` test done the way the browser does it, against
 * a live API. `--scan` looks for exploitable misconfigurations; `--routes template.yaml --base-url URL`
 * probes every route of a template. Exit 0 allowed (or nothing found), 1 blocked (or a finding), 2 could
 * not connect or bad arguments.
 */
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import type { CredentialsMode, HeaderList } from '../browser/index.js';
import { isToken, parseEngines } from '../browser/index.js';
import { probeJson, probeText } from '../probe/format.js';
import { DEFAULT_TIMEOUT_MS } from '../probe/http.js';
import { progressLine } from '../probe/pool.js';
import { probe } from '../probe/probe.js';
import { probeRoutes, routesJson, routesText, selectApis } from '../probe/routes.js';
import { scan, scanJson, scanText } from '../probe/scan.js';
import { loadTemplateFile, parseParameterOverrides, UsageError } from './template-file.js';

const HELP = `usage: crossgate probe <url> --origin <origin> [options]
       crossgate probe <url> --scan [--origin <trusted origin>] [options]
       crossgate probe --routes <template.yaml> --base-url <stage url> [--origin <origin> ...] [options]

Sends what a browser would send for fetch(url) from a page on --origin — the preflight, then the actual
request — prints both exchanges like curl -v, judges each answer as Chromium, Firefox and WebKit do
(each quoted in its own console words), and says why a blocked call is blocked in API Gateway terms.
Redirects are never followed silently.

  --origin <origin>          the page's origin, e.g. https://app.example.com (repeatable with --routes)
  --method <method>          the fetch() method (default GET, or POST with --body-type)
  -H, --header 'Name: value' a header the page sets (repeatable), e.g. 'x-api-key: abc123'
  --credentials <mode>       include | omit | same-origin (default same-origin, like fetch())
  --body-type <type>         the page sends a body with this Content-Type, e.g. application/json
  --data <text>              the body sent with the actual request (default {} for JSON types)
  --browser <engine>         chromium | firefox | webkit | all (default all, or a comma-separated
                             list): the engines whose verdicts decide the outcome and are quoted
  --json                     print one JSON object
  --timeout <ms>             per-request timeout (default ${DEFAULT_TIMEOUT_MS})
  --scan                     send crafted Origins (reflection, prefix/suffix, null, http:, …) and
                             report what the API trusts, with the risk and the request that proved it
  --concurrency <n>          requests in flight for --scan and --routes (default 4)
  --routes <template.yaml>   probe every route of the template against --base-url
  --base-url <url>           the deployed stage, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/Prod
  --api <LogicalId>          with --routes: only this Api
  --allow-writes             with --routes: also probe POST/PUT/PATCH/DELETE routes (off by default:
                             after the preflight the browser sends the real request, a real write)
  --parameter-overrides K=V  with --routes: template parameters

Exit status: 0 allowed / nothing found, 1 blocked / a finding, 2 could not connect or bad arguments.
`;

const CREDENTIALS = new Set(['include', 'omit', 'same-origin']);

function parseHeaders(values: string[]): HeaderList {
  return values.map((raw) => {
    const colon = raw.indexOf(':');
    const name = colon > 0 ? raw.slice(0, colon).trim() : '';
    if (!isToken(name)) throw new UsageError(`--header: expected 'Name: value', got '${raw}'`);
    return [name, raw.slice(colon + 1).trim()];
  });
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag}: expected a positive whole number, got '${value}'`);
  return n;
}

function httpUrl(flag: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${flag}: '${value}' is not a URL (include the scheme: https://…)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`${flag}: '${value}' is not an http(s) URL`);
  return value;
}

function origin(value: string): string {
  if (value === 'null') return value;
  const u = new URL(httpUrl('--origin', value));
  if (u.pathname !== '/' || u.search !== '' || u.hash !== '' || value.endsWith('/'))
    process.stderr.write(
      `crossgate probe: --origin '${value}' has a path; the browser sends only '${u.origin}'\n`,
    );
  return u.origin;
}

export const probeCommand = {
  summary: 'send what a browser would send to a live API and judge the answers',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        origin: { type: 'string', multiple: true, default: [] },
        method: { type: 'string' },
        header: { type: 'string', short: 'H', multiple: true, default: [] },
        credentials: { type: 'string' },
        'body-type': { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        scan: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        routes: { type: 'string' },
        'allow-writes': { type: 'boolean', default: false },
        'base-url': { type: 'string' },
        api: { type: 'string' },
        'parameter-overrides': { type: 'string', multiple: true, default: [] },
        browser: { type: 'string', default: 'all' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const color = process.stdout.isTTY === true && !('NO_COLOR' in process.env);
    const c = pc.createColors(color);
    const headers = parseHeaders(values.header);
    const timeoutMs = positiveInt('--timeout', values.timeout, DEFAULT_TIMEOUT_MS);
    const concurrency = positiveInt('--concurrency', values.concurrency, 4);
    if (values.credentials !== undefined && !CREDENTIALS.has(values.credentials))
      throw new UsageError(
        `--credentials: expected include, omit or same-origin, got '${values.credentials}'`,
      );
    const credentials = values.credentials as CredentialsMode | undefined;
    const origins = values.origin.map(origin);
    const engines = parseEngines(values.browser);
    if (!engines)
      throw new UsageError(
        `--browser: '${values.browser}' is not chromium, firefox, webkit or all (or a comma-separated list)`,
      );
    const write = (text: string) => process.stdout.write(text);

    if (values.routes !== undefined) {
      if (values.scan) throw new UsageError('--routes and --scan do not go together');
      if (values['base-url'] === undefined)
        throw new UsageError(`--routes needs --base-url (the deployed stage URL)\n\n${HELP}`);
      if (positionals.length > 0)
        throw new UsageError('--routes takes no URL argument: give the stage as --base-url');
      const baseUrl = httpUrl('--base-url', values['base-url']);
      const { deployment } = loadTemplateFile(
        values.routes,
        parseParameterOverrides(values['parameter-overrides']),
      );
      if (values.api !== undefined && selectApis(deployment, values.api).length === 0)
        throw new UsageError(
          `--api: no Api '${values.api}' in ${values.routes} (it has ${deployment.apis.map((a) => a.logicalId).join(', ') || 'none'})`,
        );
      const progress = progressLine(process.stderr, 'probing');
      const result = await probeRoutes(deployment, {
        baseUrl,
        origins,
        headers,
        credentials,
        timeoutMs,
        concurrency,
        api: values.api,
        allowWrites: values['allow-writes'],
        engines,
        onProgress: progress.update,
      });
      progress.end();
      write(values.json ? `${JSON.stringify(routesJson(result), null, 2)}\n` : routesText(result, c));
      return result.exitCode;
    }

    if (positionals.length !== 1) throw new UsageError(`probe takes one URL\n\n${HELP}`);
    const url = httpUrl('URL', positionals[0]);

    if (values.scan) {
      if (origins.length > 1) throw new UsageError('--scan takes at most one --origin (the trusted one)');
      const progress = progressLine(process.stderr, 'scanning');
      const result = await scan({
        url,
        origin: origins[0],
        method: values.method,
        headers,
        timeoutMs,
        concurrency,
        onProgress: progress.update,
      });
      progress.end();
      write(values.json ? `${JSON.stringify(scanJson(result), null, 2)}\n` : scanText(result, c));
      return result.exitCode;
    }

    if (origins.length !== 1)
      throw new UsageError(
        `probe needs exactly one --origin: the origin of the page that calls the API (e.g. --origin https://app.example.com)`,
      );
    const result = await probe({
      url,
      origin: origins[0],
      method: values.method,
      headers,
      credentials,
      bodyType: values['body-type'],
      body: values.data,
      timeoutMs,
      engines,
    });
    write(values.json ? `${JSON.stringify(probeJson(result), null, 2)}\n` : probeText(result, color));
    return result.exitCode;
  },
};
