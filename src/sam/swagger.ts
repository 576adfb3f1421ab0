/**
 * Edits an OpenAPI/Swagger document the way SAM's transform does when it deploys an
 * AWS::Serverless::Api: event integrations, the CORS OPTIONS methods, API keys, authorizers and
 * gateway responses. Behaviour follows aws/serverless-application-model (samtranslator/swagger/swagger.py,
 * samtranslator/model/api/api_generator.py, samtranslator/model/eventsources/push.py) and is checked
 * against its translator fixtures in test/conformance.test.ts. Written from reading that code, not copied.
 */
import { TemplateError } from '../template/errors.js';
import { isIntrinsic } from '../template/intrinsics.js';
import { nodePos, posOf, setOwn } from '../template/parse.js';
import type { Pos } from '../template/position.js';

export type Doc = Record<string, unknown>;
export type PathItem = Record<string, unknown>;

export const ANY_METHOD = 'x-amazon-apigateway-any-method';
export const INTEGRATION = 'x-amazon-apigateway-integration';
export const GATEWAY_RESPONSES = 'x-amazon-apigateway-gateway-responses';
/** What ANY expands to in a generated Access-Control-Allow-Methods (SAM's _ALL_HTTP_METHODS). */
export const ALL_HTTP_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];
/** Path-item keys that are not methods (OpenAPI path item object). */
const NON_METHOD_KEYS = new Set(['summary', 'description', 'parameters', 'servers', '$ref']);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `get` → `get`, `ANY` → the API Gateway any-method extension (SAM's _normalize_method_name). */
export function normalizeMethod(method: string): string {
  const m = method.toLowerCase();
  return m === 'any' ? ANY_METHOD : m;
}

/** The branches of `Fn::If` (minus AWS::NoValue), or the item itself (SAM's get_conditional_contents). */
export function conditionalContents(
  item: unknown,
): { value: unknown; condition?: string; branch?: boolean }[] {
  if (isRecord(item) && 'Fn::If' in item) {
    const args = item['Fn::If'];
    if (!Array.isArray(args))
      throw new TemplateError('Value of Fn::If must be a list.', posOf(item, 'Fn::If') ?? nodePos(item));
    const out: { value: unknown; condition?: string; branch?: boolean }[] = [];
    const cond = typeof args[0] === 'string' ? args[0] : undefined;
    for (const [i, v] of args.slice(1).entries()) {
      if (isRecord(v) && v.Ref === 'AWS::NoValue') continue;
      out.push({ value: v, condition: cond, branch: i === 0 });
    }
    return out;
  }
  return [{ value: item }];
}

export function isValidSwagger(doc: unknown): doc is Doc {
  if (!isRecord(doc) || !isRecord(doc.paths)) return false;
  if (doc.swagger) return true;
  return typeof doc.openapi === 'string' && /^3(\.\d)(\.\d)?$/.test(doc.openapi);
}

export function skeleton(): Doc {
  return { swagger: '2.0', info: { version: '1.0', title: { Ref: 'AWS::StackName' } }, paths: {} };
}

function pathItems(doc: Doc, path: string, at: Pos | undefined): PathItem[] {
  const paths = isRecord(doc.paths) ? doc.paths : {};
  return conditionalContents(Object.hasOwn(paths, path) ? paths[path] : undefined).map(({ value }) => {
    if (!isRecord(value))
      throw new TemplateError(`Value of '${path}' path must be a dictionary according to Swagger spec.`, at);
    return value;
  });
}

/** Every method definition on a path that has an API Gateway integration (SAM's iter_on_all_methods_for_path). */
export function* methodsWithIntegration(
  doc: Doc,
  path: string,
  at: Pos | undefined,
): Generator<[string, Record<string, unknown>]> {
  for (const item of pathItems(doc, path, at)) {
    for (const [name, def] of Object.entries(item)) {
      if (NON_METHOD_KEYS.has(name)) continue;
      for (const { value } of conditionalContents(def)) {
        if (!isRecord(value)) {
          throw new TemplateError(
            `Value of '${name}' method on path '${path}' must be a dictionary according to Swagger spec.`,
            at,
          );
        }
        if (!value[INTEGRATION]) continue;
        yield [normalizeMethod(name), value];
      }
    }
  }
}

function methodDefinitions(
  doc: Doc,
  path: string,
  method: string,
  at: Pos | undefined,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const item of pathItems(doc, path, at)) {
    for (const { value } of conditionalContents(item[normalizeMethod(method)])) {
      if (isRecord(value) && value[INTEGRATION]) out.push(value);
    }
  }
  return out;
}

export function hasIntegration(doc: Doc, path: string, method: string): boolean {
  const paths = doc.paths as Record<string, unknown>;
  if (!Object.hasOwn(paths, path)) return false;
  const m = normalizeMethod(method);
  for (const { value } of conditionalContents(paths[path])) {
    if (!isRecord(value) || !Object.hasOwn(value, m) || !isRecord(value[m])) return false;
    if (!conditionalContents(value[m]).some(({ value: d }) => isRecord(d) && d[INTEGRATION])) return false;
  }
  return true;
}

/** Adds the aws_proxy integration an Api event creates (SAM's add_lambda_integration). */
export function addLambdaIntegration(
  doc: Doc,
  path: string,
  method: string,
  uri: unknown,
  condition: string | undefined,
  at: Pos | undefined,
): Record<string, unknown>[] {
  const m = normalizeMethod(method);
  const paths = doc.paths as Record<string, unknown>;
  // A method named after an Object.prototype member (Method: __proto__) is an own key like any other.
  if (!Object.hasOwn(paths, path)) setOwn(paths, path, {});
  const created: Record<string, unknown>[] = [];
  for (const item of pathItems(doc, path, at)) {
    const existing = Object.hasOwn(item, m) && isRecord(item[m]) ? item[m] : {};
    const def: Record<string, unknown> = { ...existing };
    def[INTEGRATION] = {
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: condition ? { 'Fn::If': [condition, uri, { Ref: 'AWS::NoValue' }] } : uri,
    };
    if (!('responses' in def)) def.responses = {};
    setOwn(item, m, condition ? { 'Fn::If': [condition, def, { Ref: 'AWS::NoValue' }] } : def);
    created.push(def);
  }
  return created;
}

/** An Api event's own Auth on its method (SAM's add_auth_to_method). */
export function addAuthToMethod(
  doc: Doc,
  path: string,
  method: string,
  auth: Record<string, unknown>,
  apiAuthorizers: Record<string, unknown> | undefined,
  at: Pos | undefined,
): void {
  const authorizer = auth.Authorizer;
  if (typeof authorizer === 'string' && authorizer) {
    for (const def of methodDefinitions(doc, path, method, at)) {
      const entry: Record<string, unknown> = { [authorizer]: [] };
      const existing = securityOf(def, path, method, at);
      if (authorizer !== 'NONE' && apiAuthorizers) {
        const a = apiAuthorizers[authorizer];
        let scopes = isRecord(a) ? a.AuthorizationScopes : undefined;
        if (auth.AuthorizationScopes !== undefined) scopes = auth.AuthorizationScopes;
        if (a !== undefined && scopes !== undefined) entry[authorizer] = scopes;
      }
      def.security = [...existing, entry];
    }
  }
  const keyRequired = auth.ApiKeyRequired;
  if (keyRequired !== undefined && keyRequired !== null) {
    for (const def of methodDefinitions(doc, path, method, at)) {
      const existing = securityOf(def, path, method, at);
      def.security = [...existing, keyRequired ? { api_key: [] } : { api_key_false: [] }];
      if (keyRequired) addApiKeySecurityDefinition(doc);
    }
  }
}

function securityOf(
  def: Record<string, unknown>,
  path: string,
  method: string,
  at: Pos | undefined,
): Record<string, unknown>[] {
  const s = 'security' in def ? def.security : [];
  if (!Array.isArray(s))
    throw new TemplateError(`Type of security for path ${path} method ${method} must be a list`, at);
  for (const e of s) {
    if (!isRecord(e))
      throw new TemplateError(
        `${JSON.stringify(e)} in Security for path ${path} method ${method} is not a valid dictionary.`,
        at,
      );
  }
  return s as Record<string, unknown>[];
}

export function addApiKeySecurityDefinition(doc: Doc): void {
  const key = 'securityDefinitions';
  if (doc[key] !== undefined && doc[key] !== null && !isRecord(doc[key])) {
    throw new TemplateError('securityDefinitions must be a dictionary.', posOf(doc, key) ?? nodePos(doc));
  }
  const defs = isRecord(doc[key]) ? (doc[key] as Record<string, unknown>) : {};
  if (!('api_key' in defs)) defs.api_key = { type: 'apiKey', name: 'x-api-key', in: 'header' };
  doc[key] = defs;
}

export interface CorsInput {
  allowOrigin: unknown;
  allowHeaders: unknown;
  allowMethods: unknown;
  maxAge: unknown;
  allowCredentials: unknown;
}

/** The OPTIONS mock method SAM adds for Cors (SAM's _options_method_response_for_cors). */
export function corsOptionsMethod(
  cors: CorsInput,
  allowMethods: unknown,
  allowCredentials: boolean,
): Record<string, unknown> {
  const params: Record<string, unknown> = {
    'method.response.header.Access-Control-Allow-Origin': cors.allowOrigin,
  };
  const headers: Record<string, unknown> = { 'Access-Control-Allow-Origin': { type: 'string' } };
  if (cors.allowHeaders) {
    params['method.response.header.Access-Control-Allow-Headers'] = cors.allowHeaders;
    headers['Access-Control-Allow-Headers'] = { type: 'string' };
  }
  if (allowMethods) {
    params['method.response.header.Access-Control-Allow-Methods'] = allowMethods;
    headers['Access-Control-Allow-Methods'] = { type: 'string' };
  }
  if (cors.maxAge !== undefined && cors.maxAge !== null) {
    params['method.response.header.Access-Control-Max-Age'] = cors.maxAge;
    headers['Access-Control-Max-Age'] = { type: 'integer' };
  }
  if (allowCredentials) {
    params['method.response.header.Access-Control-Allow-Credentials'] = "'true'";
    headers['Access-Control-Allow-Credentials'] = { type: 'string' };
  }
  return {
    summary: 'CORS support',
    consumes: ['application/json'],
    produces: ['application/json'],
    [INTEGRATION]: {
      type: 'mock',
      requestTemplates: { 'application/json': '{\n  "statusCode" : 200\n}\n' },
      responses: {
        default: {
          statusCode: '200',
          responseParameters: params,
          responseTemplates: { 'application/json': '{}\n' },
        },
      },
    },
    responses: { '200': { description: 'Default response for CORS method', headers } },
  };
}

/** SAM's _make_cors_allowed_methods_for_path_item: the path's methods + OPTIONS, upper-cased, sorted. */
export function allowedMethodsForPathItem(item: PathItem): string {
  const keys = Object.keys(item);
  const methods = keys.includes(ANY_METHOD) ? ALL_HTTP_METHODS : [...keys, 'options'];
  return [...new Set(methods.map((m) => m.toUpperCase()))].sort().join(',');
}

/**
 * Adds the CORS OPTIONS method to every path (SAM's ApiGenerator._add_cors + SwaggerEditor.add_cors).
 * Paths that differ only by a trailing slash are one API Gateway resource: only the first gets it.
 * Returns the OPTIONS definitions it created, by path.
 */
export function addCors(
  doc: Doc,
  cors: CorsInput,
  at: Pos | undefined,
): Map<string, Record<string, unknown>[]> {
  const created = new Map<string, Record<string, unknown>[]>();
  const seen = new Set<string>();
  for (const path of Object.keys(doc.paths as Record<string, unknown>)) {
    const normalized = path !== '/' ? path.replace(/\/+$/, '') : path;
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    for (const item of pathItems(doc, path, at)) {
      if ('options' in item) continue;
      if (!cors.allowOrigin)
        throw new TemplateError('Invalid input. Value for AllowedOrigins is required', at);
      const methods = cors.allowMethods ? cors.allowMethods : `'${allowedMethodsForPathItem(item)}'`;
      const def = corsOptionsMethod(cors, methods, cors.allowCredentials === true);
      item.options = def;
      const list = created.get(path) ?? [];
      list.push(def);
      created.set(path, list);
    }
  }
  return created;
}

/** The default authorizer on every method of every path (SAM's set_path_default_authorizer). */
export function setDefaultAuthorizer(
  doc: Doc,
  defaultAuthorizer: string,
  authorizers: Record<string, unknown>,
  toPreflight: boolean,
  at: Pos | undefined,
): void {
  const names = new Set(['AWS_IAM', ...Object.keys(authorizers)]);
  for (const path of Object.keys(doc.paths as Record<string, unknown>)) {
    for (const [method, def] of methodsWithIntegration(doc, path, at)) {
      if (!toPreflight && method === 'options') continue;
      const existing = securityOf(def, path, method, at);
      const others: Record<string, unknown>[] = [];
      const authz: Record<string, unknown>[] = [];
      for (const s of existing) (Object.keys(s).some((k) => names.has(k)) ? authz : others).push(s);
      const noneIdx = others.findIndex((s) => 'NONE' in s);
      let chosen: Record<string, unknown>[] = [];
      if (noneIdx > -1) others.splice(noneIdx, 1);
      else if (authz.length > 0) chosen = authz;
      else {
        const a = authorizers[defaultAuthorizer];
        const scopes = isRecord(a) && a.AuthorizationScopes !== undefined ? a.AuthorizationScopes : [];
        chosen = [{ [defaultAuthorizer]: scopes }];
      }
      const security = [...others, ...chosen];
      if (security.length > 0) def.security = security;
    }
  }
}

/** ApiKeyRequired on every method unless the event said otherwise (SAM's set_path_default_apikey_required). */
export function setDefaultApiKeyRequired(doc: Doc, toPreflight: boolean, at: Pos | undefined): void {
  for (const path of Object.keys(doc.paths as Record<string, unknown>)) {
    for (const [method, def] of methodsWithIntegration(doc, path, at)) {
      const existing = securityOf(def, path, method, at);
      const others: Record<string, unknown>[] = [];
      const keys: Record<string, unknown>[] = [];
      for (const s of existing) ('api_key' in s || 'api_key_false' in s ? keys : others).push(s);
      let keySecurity: Record<string, unknown>[] = [];
      const falseIdx = keys.findIndex((s) => 'api_key_false' in s);
      if (falseIdx === -1) keySecurity = [{ api_key: [] }];
      let security = [...others, ...keySecurity];
      if (method === 'options' && !toPreflight) security = others;
      if (JSON.stringify(security) !== JSON.stringify(existing)) def.security = security;
    }
  }
}

export { isIntrinsic };

/** SAM's SwaggerEditor constructor check: every path item is a mapping (OpenAPI path item object). */
export function validatePathItems(doc: Doc, at: (path: string) => Pos | undefined): void {
  for (const path of Object.keys(doc.paths as Record<string, unknown>)) pathItems(doc, path, at(path));
}
