/**
 * What `check` needs to know about HTTP APIs and Function URLs beyond their deployment: the origins
 * their pages live on, whether they send credentials, and which handlers' CORS headers API Gateway
 * drops. Which of them a browser is meant to call is CORS intent (intent.ts), as for REST APIs.
 */
import type {
  DeployedApi,
  DeployedEndpoint,
  DeployedFunctionUrl,
  DeployedHttpApi,
  Deployment,
} from '../sam/model.js';

export type PlatformEndpoint = DeployedHttpApi | DeployedFunctionUrl;

export function isPlatformEndpoint(api: DeployedEndpoint): api is PlatformEndpoint {
  return api.kind === 'http' || api.kind === 'function-url';
}

/** The functions an endpoint's routes invoke. */
export function functionsOf(api: DeployedEndpoint): string[] {
  const out = new Set<string>();
  for (const r of api.resources) for (const m of r.methods) if (m.functionId) out.add(m.functionId);
  return [...out];
}

/**
 * The origins of the pages a platform CORS configuration names (not `*`). A pattern (`https://*`,
 * `https://*.example.com`) is no Origin a browser sends: the page it stands for is one it names,
 * `*` read as `app.example.com` for a whole host and `app` for one label.
 */
export function configuredOrigins(api: PlatformEndpoint): string[] {
  return (api.cors?.allowOrigins ?? []).filter((o) => o !== '*').map(pageOriginOf);
}

/** `https://*` → `https://app.example.com`, `https://*.example.com` → `https://app.example.com`. */
export function pageOriginOf(entry: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/is.exec(entry);
  if (!m?.[2].includes('*')) return entry;
  const host = m[2] === '*' ? 'app.example.com' : m[2].replaceAll('*', 'app');
  return `${m[1]}${host}${m[3]}`;
}

/** Whether an AllowOrigins entry is a pattern (a `*` in it other than the whole entry). */
export function isOriginPattern(entry: string): boolean {
  return entry !== '*' && entry.includes('*');
}

/** The patterns the platform documents: HTTP APIs' `https://*` and `http://*`; none for Function URLs. */
export function isDocumentedPattern(api: PlatformEndpoint, entry: string): boolean {
  return api.kind === 'http' && (entry === 'https://*' || entry === 'http://*');
}

export function endpointCredentials(api: PlatformEndpoint): boolean {
  return api.cors?.allowCredentials === true;
}

/**
 * Functions reached only through HTTP APIs with a CorsConfiguration: API Gateway drops their own CORS
 * headers ("Configuring CORS for an HTTP API"), so what they say about CORS never reaches a browser.
 */
export function corsIgnoredFunctions(deployment: Deployment): Set<string> {
  const dropped = new Set<string>();
  const kept = new Set<string>();
  const all: DeployedEndpoint[] = [...deployment.apis, ...deployment.httpApis, ...deployment.functionUrls];
  for (const api of all) {
    const drops = api.kind === 'http' && api.cors !== undefined && !api.cors.unresolved;
    for (const id of functionsOf(api)) (drops ? dropped : kept).add(id);
  }
  for (const id of kept) dropped.delete(id);
  return dropped;
}

export function isRestApi(api: DeployedEndpoint): api is DeployedApi {
  return api.kind === undefined || api.kind === 'rest';
}
