/**
 * What `check` needs to know about HTTP APIs and Function URLs beyond their deployment: which of them
 * a browser is meant to call (CORS intent: a CorsConfiguration or Cors, or a handler that sends CORS
 * headers itself), the origins their pages live on, whether they send credentials, and which
 * handlers' CORS headers API Gateway drops.
 */
import type {
  DeployedApi,
  DeployedEndpoint,
  DeployedFunctionUrl,
  DeployedHttpApi,
  Deployment,
} from '../sam/model.js';
import type { HandlerCors } from './handler-scan.js';

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

/** A sign that browsers call it: the platform's CORS configuration, or a handler that does CORS. */
export function hasCorsIntent(
  api: PlatformEndpoint,
  handler: (id: string) => HandlerCors | undefined,
): boolean {
  if (api.cors) return true;
  return functionsOf(api).some((id) => {
    const kind = handler(id)?.kind;
    return kind === 'literal' || kind === 'dynamic' || kind === 'library';
  });
}

/**
 * The HTTP APIs and Function URLs to simulate browsers against, and one info line for each one
 * without any sign of browser use (their answers carry no CORS header, and nothing says they should).
 */
export function browserEndpoints(
  deployment: Deployment,
  handler: (id: string) => HandlerCors | undefined,
): { endpoints: PlatformEndpoint[]; notes: string[] } {
  const endpoints: PlatformEndpoint[] = [];
  const notes: string[] = [];
  for (const api of [...deployment.httpApis, ...deployment.functionUrls]) {
    if (hasCorsIntent(api, handler)) endpoints.push(api);
    else
      notes.push(
        `${api.logicalId} (${api.kind === 'http' ? 'HTTP API' : 'Function URL'}) has no ${api.kind === 'http' ? 'CorsConfiguration' : 'Cors'} and its handlers send no CORS header: nothing says browsers call it, so it is not checked for CORS`,
      );
  }
  return { endpoints, notes };
}

/** The origins a platform CORS configuration names (not `*`). */
export function configuredOrigins(api: PlatformEndpoint): string[] {
  return (api.cors?.allowOrigins ?? []).filter((o) => o !== '*');
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
