/**
 * The local gateway: REST APIs and HTTP APIs behind one `handle`, each kind's request handling in its
 * own module (rest-api.ts, http-api.ts) behind one interface (ApiKindHandler); a Function URL is its
 * own gateway (function-url.ts), served on its own port as it has its own host on AWS. A request goes
 * to the API whose route (with its method) it matches, REST APIs first; else to one that would still
 * answer it (a REST resource without that method, an HTTP API's CORS preflight); else the first kind
 * says it has no such route (403 Missing Authentication Token for REST, 404 Not Found for HTTP APIs).
 */
import type {
  DeployedApi,
  DeployedFunctionUrl,
  DeployedHttpApi,
  Deployment,
  MappedHeader,
} from '../sam/model.js';
import { TemplateError } from '../template/errors.js';
import type { ApiKey } from './api-keys.js';
import { createFunctionUrl } from './function-url.js';
import { createHttpApis } from './http-api.js';
import { createRestApis } from './rest-api.js';
import type {
  ApiKindHandler,
  GatewayContext,
  GatewayOptions,
  GatewayRequest,
  GatewayResponse,
} from './types.js';

export { MAX_PAYLOAD_BYTES } from './request.js';
export { INTEGRATION_TIMEOUT_MS } from './rest-api.js';
export type { GatewayOptions } from './types.js';

export interface Gateway {
  handle(req: GatewayRequest): Promise<GatewayResponse>;
  readonly apis: DeployedApi[];
  readonly httpApis: DeployedHttpApi[];
  /** Set on a Function URL's own gateway. */
  readonly functionUrl?: DeployedFunctionUrl;
  readonly keys: ApiKey[];
}

/**
 * Refuses a deployment API Gateway would refuse: a mapping expression that is not one (`*` unquoted);
 * an HTTP API whose CORS allows credentials with `*` among its origins, in whichever form SAM lets
 * through (`*` beside other origins, the body's own `x-amazon-apigateway-cors`). API Gateway's words:
 * "allow-credentials is not supported if 'allow-origin' is *" (BadRequestException, aws/aws-cdk#9076;
 * CDK then refused "allowCredentials when allowOrigin has '*'", aws/aws-cdk#9415).
 */
export function assertDeployable(
  deployment: Pick<Deployment, 'apis'> & Partial<Pick<Deployment, 'httpApis'>>,
): void {
  for (const api of deployment.httpApis ?? []) {
    const cors = api.cors;
    if (cors?.allowCredentials && cors.allowOrigins.includes('*'))
      throw new TemplateError(
        `${api.logicalId}: AllowOrigins has '*' and AllowCredentials is true, which API Gateway refuses at deploy ("allow-credentials is not supported if 'allow-origin' is *"). List the origins your pages are served from instead of '*'`,
        cors.at.allowCredentials ?? cors.pos,
      );
  }
  for (const api of deployment.apis) {
    for (const r of api.resources)
      for (const m of r.methods)
        for (const h of new Set([...m.mockHeaders, ...m.integrationResponses.flatMap((ir) => ir.headers)]))
          refuseInvalid(`${api.logicalId} ${m.method} ${r.path}`, h);
    for (const g of api.gatewayResponses)
      for (const h of g.headers) refuseInvalid(`${api.logicalId} GatewayResponses ${g.type}`, h);
  }
}

function refuseInvalid(where: string, h: MappedHeader): void {
  if (!h.invalid) return;
  const literal = String(h.expression).replace(/^'|'$/g, '');
  throw new TemplateError(
    `${where}: ${h.name} is ${JSON.stringify(h.expression)}, which API Gateway refuses at deploy (${h.invalid}). Write a literal in single quotes inside the string: "'${literal}'"`,
    h.pos,
  );
}

function context(options: GatewayOptions): GatewayContext {
  return {
    options,
    now: options.now ?? Date.now,
    newRequestId: options.newRequestId ?? (() => crypto.randomUUID()),
  };
}

/** The REST APIs and HTTP APIs of a deployment, answering on one address. */
export function createGateway(
  deployment: Pick<Deployment, 'apis'> & Partial<Pick<Deployment, 'httpApis'>>,
  options: GatewayOptions,
): Gateway {
  if (options.refuseUndeployable !== false) assertDeployable(deployment);
  const ctx = context(options);
  const httpApis = deployment.httpApis ?? [];
  const rest = createRestApis(deployment.apis, ctx, options.apiKeys ?? []);
  const kinds: ApiKindHandler[] = [];
  if (deployment.apis.length > 0) kinds.push(rest);
  if (httpApis.length > 0) kinds.push(createHttpApis(httpApis, ctx));
  if (kinds.length === 0) kinds.push(rest);
  return {
    apis: deployment.apis,
    httpApis,
    keys: rest.keys,
    handle(req) {
      let near: (() => Promise<GatewayResponse>) | undefined;
      for (const kind of kinds) {
        const m = kind.match(req);
        if (m?.exact) return m.handle();
        if (m && !near) near = m.handle;
      }
      return near ? near() : kinds[0].fallback(req);
    },
  };
}

/** One Function URL: every request to its address reaches its function. */
export function createFunctionUrlGateway(url: DeployedFunctionUrl, options: GatewayOptions): Gateway {
  const handler = createFunctionUrl(url, context(options));
  return { apis: [], httpApis: [], functionUrl: url, keys: [], handle: (req) => handler.fallback(req) };
}
