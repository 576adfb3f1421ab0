/**
 * CORS intent: does anything say that pages on other origins call this API? A browser judges only
 * requests a page sends, so an API nobody calls from another origin has no CORS defects, only the
 * fact that it is not callable from one. Intent is read from what the user wrote: a Cors setting,
 * an OpenAPI definition or a handler that sets Access-Control-Allow-Origin, gateway responses with
 * CORS headers, `--origin`, or origins in crossgate's configuration.
 *
 * Each kind of API (REST here; HTTP APIs, Function URLs) gathers its own signals with the helpers
 * below and asks `hasIntent`; `noIntentFinding` says the one line an API without intent gets. To plug
 * in a kind: signals = [...declaredSignals(declared), ...its own (its CORS configuration: source
 * 'cors-setting'; OpenAPI headers: headerSignals), ...handlerSignals(its functions, handler, mentions)];
 * record { api, kind, signals, methods } in CheckResult.intent; judge it only when hasIntent(signals)
 * (or declared.strict), else report noIntentFinding(id, kind, pos).
 */
import type { DeployedApi, MappedHeader } from '../sam/model.js';
import type { ApiModel } from '../template/model.js';
import { posOf } from '../template/parse.js';
import type { Pos } from '../template/position.js';
import type { HandlerCors } from './handler-scan.js';
import type { Finding } from './types.js';

export type IntentSource =
  | 'cors-setting'
  | 'openapi'
  | 'handler'
  | 'gateway-responses'
  | 'origin-flag'
  | 'config'
  | 'strict';

/** One thing that shows an API is meant to be called from pages on other origins. */
export interface IntentSignal {
  source: IntentSource;
  /** Said plainly: "Cors on ItemsApi", "handler ItemsFn sets Access-Control-Allow-Origin". */
  detail: string;
  pos: Pos | undefined;
}

/** What every API of a template shares: `--origin`, a crossgate config, `--strict`. */
export interface DeclaredIntent {
  /** Origins from `--origin`. */
  flagOrigins: string[];
  /** Origins from a crossgate config, and the file they came from. */
  config: { origins: string[]; file: string } | undefined;
  /** `--strict`: judge every API as if it were called from pages. */
  strict: boolean;
}

export function declaredSignals(declared: DeclaredIntent): IntentSignal[] {
  const out: IntentSignal[] = [];
  if (declared.flagOrigins.length > 0)
    out.push({
      source: 'origin-flag',
      detail: `--origin ${declared.flagOrigins.join(', ')}`,
      pos: undefined,
    });
  if (declared.config && declared.config.origins.length > 0)
    out.push({
      source: 'config',
      detail: `origins in ${declared.config.file}`,
      pos: { file: declared.config.file, line: 1, col: 1 },
    });
  if (declared.strict) out.push({ source: 'strict', detail: '--strict', pos: undefined });
  return out;
}

const ACAO = 'access-control-allow-origin';

/** Runtimes whose handler source crossgate reads (handler-scan.ts); others run with --invoke. */
export const READ_RUNTIMES = /^(nodejs|python)/;

/** Mapped response headers (mock, integration or gateway responses) that set Access-Control-Allow-Origin. */
export function headerSignals(
  headers: Iterable<MappedHeader>,
  source: 'openapi' | 'gateway-responses' | 'cors-setting',
  where: string,
): IntentSignal[] {
  for (const h of headers)
    if (h.name.toLowerCase() === ACAO)
      return [{ source, detail: `${where} maps Access-Control-Allow-Origin`, pos: h.pos }];
  return [];
}

/**
 * Handlers whose source sets Access-Control-Allow-Origin (by hand or through a CORS library), and,
 * for handlers crossgate does not read, whose source mentions it (`mentions`).
 */
export function handlerSignals(
  functionIds: Iterable<string>,
  handler: (id: string) => HandlerCors | undefined,
  mentions?: (id: string) => Pos | undefined,
): IntentSignal[] {
  const out: IntentSignal[] = [];
  const seen = new Set<string>();
  for (const id of functionIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    const h = handler(id);
    if (h?.kind === 'literal' || h?.kind === 'dynamic' || h?.kind === 'library') {
      const how = h.kind === 'library' ? ` (through ${h.library})` : '';
      out.push({
        source: 'handler',
        detail: `handler ${id} sets Access-Control-Allow-Origin${how}`,
        pos: h.file ? { file: h.file, line: h.line ?? 1, col: 1 } : undefined,
      });
    } else if (h?.kind === 'unknown' && mentions) {
      const at = mentions(id);
      if (at)
        out.push({
          source: 'handler',
          detail: `the source of ${id} mentions Access-Control-Allow-Origin`,
          pos: at,
        });
    }
  }
  return out;
}

/** The signals of a REST API: its Cors, its OpenAPI (OPTIONS mocks, integration responses), its handlers. */
export function restApiSignals(
  api: DeployedApi,
  model: ApiModel | undefined,
  handler: (id: string) => HandlerCors | undefined,
  mentions?: (id: string) => Pos | undefined,
): IntentSignal[] {
  const out: IntentSignal[] = [];
  if (model?.cors)
    out.push({ source: 'cors-setting', detail: `Cors on ${api.logicalId}`, pos: model.cors.pos });
  const functions: string[] = [];
  for (const r of api.resources)
    for (const m of r.methods) {
      if (m.functionId && m.integration === 'aws_proxy') functions.push(m.functionId);
      if (m.corsPreflight) continue;
      const where = `${m.method} ${r.path} (${m.integration} integration)`;
      out.push(...headerSignals(m.mockHeaders, 'openapi', where));
      for (const ir of m.integrationResponses) out.push(...headerSignals(ir.headers, 'openapi', where));
    }
  const corsExtension = api.body?.['x-amazon-apigateway-cors'];
  if (corsExtension !== undefined)
    out.push({
      source: 'openapi',
      detail: 'its OpenAPI definition has x-amazon-apigateway-cors',
      // Where it is written (the OpenAPI file, for a DefinitionUri or AWS::Include), not the API.
      pos: posOf(api.body, 'x-amazon-apigateway-cors') ?? api.pos,
    });
  for (const g of api.gatewayResponses)
    out.push(...headerSignals(g.headers, 'gateway-responses', `gateway response ${g.type}`));
  out.push(...handlerSignals(functions, handler, mentions));
  return dedupe(out);
}

function dedupe(signals: IntentSignal[]): IntentSignal[] {
  const seen = new Set<string>();
  return signals.filter((s) => {
    const key = `${s.source}\u0000${s.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function hasIntent(signals: IntentSignal[]): boolean {
  return signals.length > 0;
}

/**
 * The one line an API without intent gets (CG121). `what` names the API's kind ("REST API"). `unseen`:
 * the answers the template does not show (an HTTP backend's, a handler crossgate does not read), which
 * may carry the header: then the API is not said to be uncallable.
 */
export function noIntentFinding(apiId: string, what: string, pos: Pos | undefined, unseen?: string): Finding {
  return {
    code: 'CG121',
    rule: 'no-cors-intent',
    severity: 'info',
    api: apiId,
    message: unseen
      ? `${apiId} (${what}): nothing in the template shows that pages on other origins call it, and its CORS was not judged; ${unseen}, whose Access-Control-Allow-Origin the template does not show (probe judges the deployed API).`
      : `${apiId} (${what}): nothing shows that pages on other origins call it, and it is not callable from them (no answer of it carries Access-Control-Allow-Origin); its CORS was not judged.`,
    pos,
    hint: 'If a page on another origin calls it, say so: add Cors to the API, pass --origin https://app.example.com, or list "origins" in crossgate.config.json (or in a "crossgate" section of package.json) beside the template. --strict judges every API.',
  };
}
