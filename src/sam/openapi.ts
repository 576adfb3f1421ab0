/**
 * Edits an OpenAPI 3 document the way SAM's transform does when it deploys an
 * AWS::Serverless::HttpApi: event integrations (payload format 2.0 unless the event says otherwise),
 * route authorizers, the default authorizer, `x-amazon-apigateway-cors`. Behaviour follows
 * aws/serverless-application-model (samtranslator/open_api/open_api.py, base_editor.py,
 * model/eventsources/push.py HttpApi, model/api/http_api_generator.py), written from reading that
 * code and checked against its translator fixtures (../shared/conformance/sam-http).
 */
import { TemplateError } from '../template/errors.js';
import { isIntrinsic } from '../template/intrinsics.js';
import { copyPositions, keyPosOf, posOf, setOwn, setPos } from '../template/parse.js';
import type { Pos } from '../template/position.js';
import {
  ANY_METHOD,
  conditionalContents,
  type Doc,
  INTEGRATION,
  isRecord,
  normalizeMethod,
} from './swagger.js';

export const CORS_EXTENSION = 'x-amazon-apigateway-cors';
export const AUTHORIZER_EXTENSION = 'x-amazon-apigateway-authorizer';
/** The catch-all route (AWS docs: "Working with routes for HTTP APIs", the `$default` route). */
export const DEFAULT_PATH = '$default';

export const INVALID_OPENAPI =
  "Invalid OpenApi document. Invalid values or missing keys for 'openapi' or 'paths' in 'DefinitionBody'.";

/** SAM's OpenApiEditor.is_valid: a mapping with `paths` and an `openapi` version 3.x. */
export function isValidOpenApi(doc: unknown): doc is Doc {
  if (!isRecord(doc) || !isRecord(doc.paths) || !doc.openapi) return false;
  return /^3(\.\d)(\.\d)?$/.test(String(doc.openapi));
}

/** SAM's OpenApiEditor.gen_skeleton. */
export function openApiSkeleton(): Doc {
  return { openapi: '3.0.1', info: { version: '1.0', title: { Ref: 'AWS::StackName' } }, paths: {} };
}

function pathItems(doc: Doc, path: string, at: Pos | undefined): Record<string, unknown>[] {
  const paths = doc.paths as Record<string, unknown>;
  return conditionalContents(paths[path]).map(({ value }) => {
    if (!isRecord(value))
      throw new TemplateError(`Value of '${path}' path must be a dictionary according to Swagger spec.`, at);
    return value;
  });
}

function methodError(method: string, path: string, at: Pos | undefined): TemplateError {
  return new TemplateError(`Definition of method '${method}' for path '${path}' should be a map.`, at);
}

/** The definitions of one method on one path, inside conditions (iter_on_method_definitions_for_path_at_method). */
function methodDefinitions(
  doc: Doc,
  path: string,
  method: string,
  at: Pos | undefined,
  withIntegrationOnly = true,
): Record<string, unknown>[] {
  const m = normalizeMethod(method);
  const out: Record<string, unknown>[] = [];
  for (const item of pathItems(doc, path, at)) {
    for (const { value } of conditionalContents(Object.hasOwn(item, m) ? item[m] : undefined)) {
      if (!isRecord(value)) throw methodError(method, path, at);
      if (withIntegrationOnly && !value[INTEGRATION]) continue;
      out.push(value);
    }
  }
  return out;
}

/** True when every branch of the path has the method with an integration (base_editor.has_integration). */
export function hasIntegration(doc: Doc, path: string, method: string, at: Pos | undefined): boolean {
  const paths = doc.paths as Record<string, unknown>;
  const m = normalizeMethod(method);
  if (!Object.hasOwn(paths, path)) return false;
  for (const { value } of conditionalContents(paths[path]))
    if (!isRecord(value) || !Object.hasOwn(value, m)) return false;
  for (const item of pathItems(doc, path, at)) {
    const def = item[m];
    if (!isRecord(def)) return false;
    let any = false;
    for (const { value } of conditionalContents(def)) {
      if (!isRecord(value)) throw methodError(m, path, at);
      if (value[INTEGRATION]) any = true;
    }
    if (!any) return false;
  }
  return true;
}

/** base_editor.add_path: the path and an empty method, unless present. */
export function addPath(doc: Doc, path: string, method: string, at: Pos | undefined): void {
  const m = normalizeMethod(method);
  const paths = doc.paths as Record<string, unknown>;
  // A method named after an Object.prototype member (Method: __proto__) is an own key like any other:
  // `item[m] = …` would otherwise reach Object.prototype itself.
  if (!Object.hasOwn(paths, path)) setOwn(paths, path, {});
  if (!isRecord(paths[path]))
    throw new TemplateError(`Value of '${path}' path must be a dictionary according to Swagger spec.`, at);
  for (const item of pathItems(doc, path, at)) if (!Object.hasOwn(item, m)) setOwn(item, m, {});
}

/**
 * The aws_proxy integration an HttpApi event adds (OpenApiEditor.add_lambda_integration): payload
 * format 2.0, `isDefaultRoute` on `$default ANY`; nothing when the method already has one.
 * Returns the definitions it created.
 */
export function addLambdaIntegration(
  doc: Doc,
  path: string,
  method: string,
  uri: unknown,
  condition: string | undefined,
  at: Pos | undefined,
): Record<string, unknown>[] {
  const m = normalizeMethod(method);
  if (hasIntegration(doc, path, m, at)) return [];
  addPath(doc, path, m, at);
  const created: Record<string, unknown>[] = [];
  for (const item of pathItems(doc, path, at)) {
    const existing = Object.hasOwn(item, m) ? item[m] : undefined;
    const def: Record<string, unknown> = isRecord(existing) && !('Fn::If' in existing) ? existing : {};
    def[INTEGRATION] = {
      type: 'aws_proxy',
      httpMethod: 'POST',
      payloadFormatVersion: '2.0',
      uri: condition ? { 'Fn::If': [condition, uri, { Ref: 'AWS::NoValue' }] } : uri,
    };
    if (path === DEFAULT_PATH && m === ANY_METHOD) def.isDefaultRoute = true;
    if (!('responses' in def)) def.responses = {};
    setOwn(item, m, condition ? { 'Fn::If': [condition, def, { Ref: 'AWS::NoValue' }] } : def);
    created.push(def);
  }
  return created;
}

/** The event's PayloadFormatVersion on every integrated definition of the method. */
export function setPayloadFormatVersion(
  doc: Doc,
  path: string,
  method: string,
  version: unknown,
  at: Pos | undefined,
): void {
  for (const def of methodDefinitions(doc, path, method, at))
    (def[INTEGRATION] as Record<string, unknown>).payloadFormatVersion = version;
}

/** The event's TimeoutInMillis (base_editor.add_timeout_to_method). */
export function setTimeout(doc: Doc, path: string, method: string, ms: unknown, at: Pos | undefined): void {
  for (const def of methodDefinitions(doc, path, method, at))
    (def[INTEGRATION] as Record<string, unknown>).timeoutInMillis = ms;
}

/**
 * An event's own authorizer on its method (OpenApiEditor._set_method_authorizer): the event's
 * AuthorizationScopes, else the authorizer's, appended to the method's security.
 */
export function setMethodAuthorizer(
  doc: Doc,
  path: string,
  method: string,
  name: string,
  authorizers: Record<string, unknown> | undefined,
  scopes: unknown,
  at: Pos | undefined,
): void {
  for (const def of methodDefinitions(doc, path, method, at)) {
    const entry: Record<string, unknown> = { [name]: [] };
    if (name !== 'NONE' && name !== 'AWS_IAM') {
      const a = authorizers?.[name] ?? {};
      if (!isRecord(a)) throw new TemplateError(`Type of authorizer '${name}' must be a dictionary`, at);
      let methodScopes = a.AuthorizationScopes;
      if (Array.isArray(scopes) ? scopes.length > 0 : scopes) methodScopes = scopes;
      if (authorizers?.[name] && (Array.isArray(methodScopes) ? methodScopes.length > 0 : methodScopes))
        entry[name] = methodScopes;
    }
    const existing = def.security ?? [];
    if (!Array.isArray(existing))
      throw new TemplateError(`Type of security for path ${path} method ${method} must be a list`, at);
    def.security = [...existing, entry];
  }
}

/**
 * The API's DefaultAuthorizer on every integrated method without its own security
 * (OpenApiEditor.set_path_default_authorizer).
 */
export function setDefaultAuthorizer(
  doc: Doc,
  name: string,
  scopes: unknown,
  at: (path: string) => Pos | undefined,
): void {
  for (const path of Object.keys(doc.paths as Record<string, unknown>)) {
    for (const item of pathItems(doc, path, at(path))) {
      for (const [key, method] of Object.entries(item)) {
        const normal = normalizeMethod(key);
        if (normal === 'parameters' || normal === 'options') continue;
        if (!Object.hasOwn(item, normal))
          throw new TemplateError(`Could not find ${normal} in ${path} within DefinitionBody.`, at(path));
        for (const { value } of conditionalContents(method)) {
          if (!isRecord(value)) throw methodError(key, path, at(path));
          if (!value[INTEGRATION] || value.security) continue;
          value.security = [{ [name]: scopes ?? [] }];
        }
      }
    }
  }
}

/** SAM's ApiGatewayV2Authorizer.generate_openapi, for one authorizer of the API's Auth. */
export function authorizerScheme(
  name: string,
  a: { type: 'JWT' | 'REQUEST' | 'AWS_IAM'; def: Record<string, unknown> },
): Record<string, unknown> {
  if (a.type === 'AWS_IAM')
    return {
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    };
  const def = a.def;
  if (a.type === 'JWT') {
    const jwt: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(def.JwtConfiguration as Record<string, unknown>))
      jwt[k.toLowerCase()] = v;
    return {
      type: 'oauth2',
      [AUTHORIZER_EXTENSION]: { jwtConfiguration: jwt, identitySource: def.IdentitySource, type: 'jwt' },
    };
  }
  const ext: Record<string, unknown> = {
    type: 'request',
    authorizerUri: {
      'Fn::Sub': [
        'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations',
        { __FunctionArn__: def.FunctionArn },
      ],
    },
  };
  const role = def.FunctionInvokeRole;
  if (role && role !== 'NONE') ext.authorizerCredentials = role;
  const identity = def.Identity;
  if (identity) {
    if (!isRecord(identity))
      throw new TemplateError(
        `Property 'Auth.Authorizers.${name}.Identity' should be a map.`,
        posOf(def, 'Identity'),
      );
    if (identity.ReauthorizeEvery !== undefined && identity.ReauthorizeEvery !== null)
      ext.authorizerResultTtlInSeconds = identity.ReauthorizeEvery;
    const sources: unknown[] = [];
    for (const [prefix, key] of [
      ['$request.header.', 'Headers'],
      ['$request.querystring.', 'QueryStrings'],
      ['$stageVariables.', 'StageVariables'],
      ['$context.', 'Context'],
    ] as const) {
      const values = identity[key];
      if (!values || (Array.isArray(values) && values.length === 0)) continue;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))
        throw new TemplateError(
          `Property 'Authorizers.${name}.Identity.${key}' should be a list of strings.`,
          posOf(identity, key),
        );
      for (const v of values) sources.push(prefix + v);
    }
    ext.identitySource = sources;
  }
  ext.authorizerPayloadFormatVersion = def.AuthorizerPayloadFormatVersion;
  if (def.EnableSimpleResponses) ext.enableSimpleResponses = def.EnableSimpleResponses;
  return { type: 'apiKey', name: 'Unused', in: 'header', [AUTHORIZER_EXTENSION]: ext };
}

const CORS_KEYS: Record<string, string> = {
  AllowOrigins: 'allowOrigins',
  AllowHeaders: 'allowHeaders',
  AllowMethods: 'allowMethods',
  ExposeHeaders: 'exposeHeaders',
  MaxAge: 'maxAge',
  AllowCredentials: 'allowCredentials',
};

/**
 * OpenApiEditor.add_cors: CorsConfiguration merged over the body's own `x-amazon-apigateway-cors`
 * (the property wins). An intrinsic configuration is copied whole with its keys in camel case.
 * Positions travel onto the extension so diagnostics point at the template line.
 */
export function addHttpCors(
  doc: Doc,
  props: {
    allowOrigins: unknown;
    allowHeaders?: unknown;
    allowMethods?: unknown;
    exposeHeaders?: unknown;
    maxAge?: unknown;
    allowCredentials?: unknown;
  },
  source: Record<string, unknown> | undefined,
  at: Pos | undefined,
): void {
  const current = doc[CORS_EXTENSION] ?? {};
  if (!isRecord(current))
    throw new TemplateError(
      `Value of '${CORS_EXTENSION}' must be a dictionary according to Swagger spec.`,
      posOf(doc, CORS_EXTENSION) ?? at,
    );
  const cors = copyPositions(current, { ...current });
  if (props.allowOrigins && isIntrinsic(props.allowOrigins)) {
    Object.assign(cors, camelKeys(props.allowOrigins));
  } else {
    const set = (key: keyof typeof CORS_KEYS, value: unknown, when: boolean) => {
      if (!when) return;
      cors[CORS_KEYS[key]] = value;
      const p = source ? posOf(source, key) : undefined;
      if (p) setPos(cors, CORS_KEYS[key], p);
    };
    set('AllowOrigins', props.allowOrigins, Boolean(props.allowOrigins));
    set('AllowHeaders', props.allowHeaders, Boolean(props.allowHeaders));
    set('AllowMethods', props.allowMethods, Boolean(props.allowMethods));
    set('ExposeHeaders', props.exposeHeaders, Boolean(props.exposeHeaders));
    set('MaxAge', props.maxAge, props.maxAge !== undefined && props.maxAge !== null);
    set('AllowCredentials', props.allowCredentials, props.allowCredentials === true);
  }
  doc[CORS_EXTENSION] = cors;
  if (at) setPos(doc, CORS_EXTENSION, at);
}

/**
 * SAM's json-dumps-and-replace of `AllowOrigins` → `allowOrigins` inside an intrinsic configuration,
 * done on each key and string (the same text replaced) so that every value keeps where it was written.
 */
function camelKeys(value: unknown): Record<string, unknown> {
  return renamed(value) as Record<string, unknown>;
}

function renamed(value: unknown): unknown {
  const text = (s: string) => Object.entries(CORS_KEYS).reduce((t, [from, to]) => t.replaceAll(from, to), s);
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return copyPositions(value, value.map(renamed));
  if (!isRecord(value)) return value;
  const out = copyPositions(value, {} as Record<string, unknown>);
  for (const [key, v] of Object.entries(value)) {
    const name = text(key);
    setOwn(out, name, renamed(v));
    const at = posOf(value, key);
    if (name !== key && at) setPos(out, name, at, keyPosOf(value, key));
  }
  return out;
}
