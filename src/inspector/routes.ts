/** The routes view: every path of every API as deployed, its methods, their guards and the OPTIONS mock. */
import type { DeployedApi, DeployedHttpApi } from '../sam/model.js';
import { formatPos } from '../template/position.js';

export interface RouteMethodView {
  method: string;
  integration: string;
  functionId: string | undefined;
  apiKeyRequired: boolean;
  authorizer: string | undefined;
  at: string | undefined;
}

export interface RouteView {
  api: string;
  path: string;
  /** The URL to call it at (path parameters left as `{name}`). */
  url: string;
  methods: RouteMethodView[];
  /** The OPTIONS method, when the path has one. */
  preflight:
    | {
        integration: string;
        /** Made by SAM from the Api's Cors. */
        fromCors: boolean;
        status: number | undefined;
        headers: Array<{
          name: string;
          value: string | undefined;
          expression: string;
          invalid: string | undefined;
        }>;
        apiKeyRequired: boolean;
        authorizer: string | undefined;
        at: string | undefined;
      }
    | undefined;
}

export function routeViews(
  apis: DeployedApi[],
  apiUrl: string,
  stagePrefix: boolean,
  httpApis: DeployedHttpApi[] = [],
): RouteView[] {
  const out: RouteView[] = [];
  const base = apiUrl.replace(/\/+$/, '');
  for (const api of apis) {
    const prefix = stagePrefix && api.stageName ? `/${api.stageName}` : '';
    for (const resource of api.resources) {
      const options = resource.methods.find((m) => m.method === 'OPTIONS');
      out.push({
        api: api.logicalId,
        path: resource.path,
        url: `${base}${prefix}${resource.path}`,
        methods: resource.methods
          .filter((m) => m.method !== 'OPTIONS')
          .map((m) => ({
            method: m.method,
            integration: m.integration,
            functionId: m.functionId,
            apiKeyRequired: m.apiKeyRequired,
            authorizer: m.authorizer,
            at: m.pos ? formatPos(m.pos) : undefined,
          })),
        preflight: options && {
          integration: options.integration,
          fromCors: options.corsPreflight,
          status: options.mockStatus,
          headers: options.mockHeaders.map((h) => ({
            name: h.name,
            value: h.value,
            expression: typeof h.expression === 'string' ? h.expression : JSON.stringify(h.expression),
            invalid: h.invalid,
          })),
          apiKeyRequired: options.apiKeyRequired,
          authorizer: options.authorizer,
          at: options.pos ? formatPos(options.pos) : undefined,
        },
      });
    }
  }
  // HTTP APIs: API Gateway answers their preflights itself from CorsConfiguration (no OPTIONS method).
  for (const api of httpApis) {
    const prefix = stagePrefix && api.stageName !== '$default' ? `/${api.stageName}` : '';
    for (const resource of api.resources)
      out.push({
        api: api.logicalId,
        path: resource.path,
        url: `${base}${prefix}${resource.path === '$default' ? '/' : resource.path}`,
        methods: resource.methods.map((m) => ({
          method: m.method,
          integration: m.integration,
          functionId: m.functionId,
          apiKeyRequired: false,
          authorizer: m.authorizer,
          at: m.pos ? formatPos(m.pos) : undefined,
        })),
        preflight: undefined,
      });
  }
  return out;
}
