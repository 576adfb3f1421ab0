/**
 * What the HTTP API and Function URL rules share: each CORS configuration the platform answers with
 * (an HTTP API's CorsConfiguration, a Function URL's Cors), where its parts were written, the
 * headers and methods the routes make a web app send, and edits to its lists.
 */
import type { CorsProperty, DeployedCors } from '../../sam/model.js';
import type { Pos } from '../../template/position.js';
import { configuredOrigins, functionsOf, type PlatformEndpoint } from '../endpoints.js';
import { originsNamedBy } from '../handler-scan.js';
import type { CheckContext, FixEdit } from '../types.js';

export interface CorsSite {
  api: PlatformEndpoint;
  cors: DeployedCors;
  /**
   * How the template names it: `CorsConfiguration` (HTTP API), `Cors` (Function URL), or the OpenAPI
   * body's own `x-amazon-apigateway-cors`, whose keys are camelCase.
   */
  property: string;
  /** `HTTP API ItemsApi` or `Function URL NotesFunctionUrl`, for messages. */
  label: string;
}

/** Every platform CORS configuration check can read (resolved; not computed by an unknown intrinsic). */
export function corsSites(ctx: CheckContext): CorsSite[] {
  const out: CorsSite[] = [];
  for (const api of [...ctx.deployment.httpApis, ...ctx.deployment.functionUrls]) {
    if (!api.cors || api.cors.unresolved) continue;
    out.push({
      api,
      cors: api.cors,
      property: camelCase(ctx, api.cors)
        ? 'x-amazon-apigateway-cors'
        : api.kind === 'http'
          ? 'CorsConfiguration'
          : 'Cors',
      label: `${api.kind === 'http' ? 'HTTP API' : 'Function URL'} ${api.logicalId}`,
    });
  }
  return out;
}

export function positionOf(site: CorsSite, field: CorsProperty): Pos | undefined {
  return site.cors.at[field] ?? site.cors.pos ?? site.api.pos;
}

/**
 * The name a property of this configuration is written with: PascalCase in CorsConfiguration and a
 * Function URL's Cors, camelCase in a body's own `x-amazon-apigateway-cors`.
 */
export function keyName(_ctx: CheckContext, site: CorsSite, field: CorsProperty): string {
  return site.property === 'x-amazon-apigateway-cors' ? field : field[0].toUpperCase() + field.slice(1);
}

/** Whether the configuration's first key, in the file it was written in, is camelCase (`allowOrigins`). */
function camelCase(ctx: CheckContext, cors: DeployedCors): boolean {
  const at = cors.pos;
  if (!at) return false;
  const source =
    at.file === ctx.model.file ? ctx.model.source : (ctx.deployment.sources?.[at.file] ?? ctx.model.source);
  const line = source.split('\n')[at.line - 1] ?? '';
  const key = /^["']?([A-Za-z]+)["']?\s*:/.exec(line.slice(at.col - 1))?.[1];
  return key !== undefined && key[0] === key[0].toLowerCase();
}

/** The edit that makes a list property hold `values`: rewrite it, or add it beside a written property. */
export function listEdit(
  ctx: CheckContext,
  site: CorsSite,
  field: 'allowOrigins' | 'allowMethods' | 'allowHeaders',
  values: string[],
): FixEdit | undefined {
  const at = site.cors.at[field];
  if (at) return { kind: 'set-list', pos: at, values };
  const sibling = Object.values(site.cors.at).find((p): p is Pos => p !== undefined);
  if (!sibling) return undefined;
  return { kind: 'set-sibling', pos: sibling, key: keyName(ctx, site, field), value: values };
}

export const SAFELISTED = new Set(['GET', 'HEAD', 'POST']);

/** The non-safelisted methods an endpoint's routes are declared with (ANY routes declare none). */
export function routeMethods(api: PlatformEndpoint): string[] {
  const out = new Set<string>();
  for (const r of api.resources)
    for (const m of r.methods)
      if (m.method !== 'ANY' && m.method !== 'OPTIONS' && !SAFELISTED.has(m.method)) out.add(m.method);
  return [...out];
}

/** The functions behind an endpoint whose handlers send CORS headers themselves. */
export function corsHandlers(ctx: CheckContext, api: PlatformEndpoint): string[] {
  return functionsOf(api).filter((id) => {
    const kind = ctx.handler(id)?.kind;
    return kind === 'literal' || kind === 'dynamic' || kind === 'library';
  });
}

export { configuredOrigins };

/** The origins the CORS-doing handlers behind an endpoint name (literals, environment variables). */
export function handlerOrigins(ctx: CheckContext, api: PlatformEndpoint): string[] {
  return [
    ...new Set(
      corsHandlers(ctx, api).flatMap((id) =>
        originsNamedBy(ctx.handler(id), ctx.model.functions[id]?.environment ?? {}),
      ),
    ),
  ];
}
