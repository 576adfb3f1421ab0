/**
 * What the HTTP API and Function URL rules share: each CORS configuration the platform answers with
 * (an HTTP API's CorsConfiguration, a Function URL's Cors), where its parts were written, the
 * headers and methods the routes make a web app send, and edits to its lists.
 */
import type { CorsProperty, DeployedCors } from '../../sam/model.js';
import type { Pos } from '../../template/position.js';
import { configuredOrigins, functionsOf, type PlatformEndpoint } from '../endpoints.js';
import type { CheckContext, FixEdit } from '../types.js';
import { normalizeOrigin } from './malformed-origin.js';

export interface CorsSite {
  api: PlatformEndpoint;
  cors: DeployedCors;
  /** How the template names it: `CorsConfiguration` (HTTP API) or `Cors` (Function URL). */
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
      property: api.kind === 'http' ? 'CorsConfiguration' : 'Cors',
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
export function keyName(ctx: CheckContext, site: CorsSite, field: CorsProperty): string {
  const pascal = field[0].toUpperCase() + field.slice(1);
  const any = Object.values(site.cors.at).find((p): p is Pos => p !== undefined);
  if (!any) return pascal;
  const line = ctx.model.source.split('\n')[any.line - 1] ?? '';
  const key = /([A-Za-z]+)\s*:\s*$/.exec(line.slice(0, any.col - 1))?.[1];
  return key && key[0] === key[0].toLowerCase() ? field : pascal;
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

/**
 * The request headers the routes make a web app send, lower-case → how to write it and why: JSON
 * bodies need Content-Type; authorizers their identity headers (JWT and Lambda), IAM Authorization.
 */
export function neededHeaders(api: PlatformEndpoint): Map<string, { shown: string; why: string }> {
  const need = new Map<string, { shown: string; why: string }>();
  for (const r of api.resources)
    for (const m of r.methods) {
      if (['POST', 'PUT', 'PATCH', 'ANY'].includes(m.method))
        need.set('content-type', { shown: 'content-type', why: 'JSON bodies' });
      if (!m.authorizer) continue;
      const a = api.kind === 'http' ? api.authorizers[m.authorizer] : undefined;
      if (!a || a.type === 'AWS_IAM') {
        need.set('authorization', { shown: 'authorization', why: 'SigV4-signed (AWS_IAM) requests' });
        continue;
      }
      for (const source of a.identitySource) {
        if (!source.startsWith('$request.header.')) continue;
        const name = source.slice('$request.header.'.length);
        need.set(name.toLowerCase(), {
          shown: name.toLowerCase(),
          why: `the ${a.type === 'JWT' ? 'JWT' : 'Lambda'} authorizer ${a.name}`,
        });
      }
    }
  return need;
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
  const out = new Set<string>();
  for (const id of corsHandlers(ctx, api)) {
    const h = ctx.handler(id)!;
    const env = ctx.model.functions[id]?.environment ?? {};
    const raw = [
      ...(h.literalOrigins ?? []),
      ...(h.kind === 'literal' && h.allowOrigin ? [h.allowOrigin] : []),
      ...(h.envNames ?? []).map((n) => env[n] ?? ''),
    ];
    for (const r of raw) {
      const o = normalizeOrigin(r.trim());
      if (o) out.add(o);
    }
  }
  return [...out];
}
