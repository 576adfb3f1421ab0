/**
 * What `sam deploy` creates for each AWS::Serverless::HttpApi of a template (explicit, or the
 * implicit `ServerlessHttpApi` that HttpApi events without ApiId share): SAM's transform run on the
 * OpenAPI body (event integrations, route and default authorizers, CorsConfiguration as
 * `x-amazon-apigateway-cors`, the stage), then read back into the deployment model by readHttpBody,
 * the same reader the conformance test runs on the SAM translator's own output. Every refusal SAM
 * makes for what crossgate models is a TemplateError at the value to change, worded as SAM words it.
 * Sources: aws/serverless-application-model samtranslator/plugins/api/implicit_http_api_plugin.py,
 * plugins/api/default_definition_body_plugin.py, model/eventsources/push.py (HttpApi),
 * model/api/http_api_generator.py, model/apigatewayv2.py, model/sam_resources.py (SamHttpApi).
 */
import { TemplateError } from '../template/errors.js';
import { withGlobals } from '../template/globals.js';
import { isIntrinsic, Symbolic } from '../template/intrinsics.js';
import { isMap, refTarget } from '../template/load.js';
import type { TemplateModel } from '../template/model.js';
import { addDuplicateKeys, copyPositions, keyPosOf, nodePos, posOf } from '../template/parse.js';
import type { Pos } from '../template/position.js';
import { cloneDoc } from './clone-doc.js';
import { type ReadFile, readIncluded } from './definitions.js';
import { canonicalFunctionId, functionFromUri } from './function-refs.js';
import type {
  CorsListProperty,
  DeployedCors,
  DeployedHttpApi,
  DeployedHttpAuthorizer,
  DeployedMethod,
  DeployedResource,
} from './model.js';
import {
  AUTHORIZER_EXTENSION,
  addHttpCors,
  addLambdaIntegration,
  addPath,
  authorizerScheme,
  CORS_EXTENSION,
  DEFAULT_PATH,
  hasIntegration,
  INVALID_OPENAPI,
  isValidOpenApi,
  openApiSkeleton,
  setDefaultAuthorizer,
  setMethodAuthorizer,
  setPayloadFormatVersion,
  setTimeout,
} from './openapi.js';
import {
  ANY_METHOD,
  conditionalContents,
  type Doc,
  INTEGRATION,
  isRecord,
  normalizeMethod,
} from './swagger.js';

export const IMPLICIT_HTTP_API_ID = 'ServerlessHttpApi';
export const HTTP_API_TYPE = 'AWS::Serverless::HttpApi';

/**
 * A refusal of an HTTP API's or Function URL's CORS configuration. `check` reports these as bad input
 * (exit 2), unlike the REST API's AllowCredentials refusal, which it turns into finding CG109.
 */
export class CorsConfigurationError extends TemplateError {}

type PropertyKind = 'any' | 'string' | 'map' | 'bool' | 'string|map' | 'bool|map';
/** The properties AWS::Serverless::HttpApi takes and their types (sam_resources.py SamHttpApi). */
const HTTP_API_PROPERTIES: Record<string, PropertyKind> = {
  Name: 'any',
  StageName: 'string|map',
  Tags: 'map',
  PropagateTags: 'bool',
  DefinitionBody: 'map',
  DefinitionUri: 'string|map',
  StageVariables: 'map',
  CorsConfiguration: 'bool|map',
  AccessLogSettings: 'map',
  DefaultRouteSettings: 'map',
  Auth: 'map',
  RouteSettings: 'map',
  Domain: 'map',
  FailOnWarnings: 'bool',
  Description: 'string',
  DisableExecuteApiEndpoint: 'bool',
};
const EVENT_PROPERTIES: Record<string, PropertyKind> = {
  Path: 'string',
  Method: 'string',
  ApiId: 'any',
  Stage: 'string',
  Auth: 'map',
  TimeoutInMillis: 'any',
  RouteSettings: 'any',
  PayloadFormatVersion: 'string',
};
const CORS_PROPERTIES = [
  'AllowMethods',
  'AllowHeaders',
  'AllowOrigins',
  'MaxAge',
  'ExposeHeaders',
  'AllowCredentials',
];
const AUTH_PROPERTIES = ['Authorizers', 'DefaultAuthorizer', 'EnableIamAuthorizer'];

interface HttpEvent {
  functionId: string;
  eventId: string;
  apiId: string;
  path: string;
  /** As SAM normalises it: lower case, or the any-method extension. */
  method: string;
  props: Record<string, unknown>;
  pos: Pos | undefined;
  condition: string | undefined;
}

interface HttpApiSource {
  logicalId: string;
  props: Record<string, unknown>;
  pos: Pos | undefined;
  implicit: boolean;
  condition: string | undefined;
}

interface Provenance {
  pos: Pos | undefined;
  eventId: string;
}

export interface HttpApiOptions {
  evaluateConditions?: boolean;
  /** Reads a local AWS::Include Location (definitions.ts), as for REST APIs. */
  readFile?: ReadFile;
}

/** HttpApi events aimed at an AWS::Serverless::Api (REST): SAM lets them edit its OpenAPI body. */
export interface RestHttpEvent {
  apiId: string;
  path: string;
  method: string;
  functionId: string;
  eventId: string;
  props: Record<string, unknown>;
  pos: Pos | undefined;
  condition: string | undefined;
}

export function buildHttpApis(
  model: TemplateModel,
  options: HttpApiOptions = {},
): { httpApis: DeployedHttpApi[]; restEvents: RestHttpEvent[]; sources: Record<string, string> } {
  const resources = (isMap(model.root.Resources) ? model.root.Resources : {}) as Record<
    string,
    Record<string, unknown>
  >;
  const globals =
    isMap(model.root.Globals) && isMap(model.root.Globals.HttpApi) ? model.root.Globals.HttpApi : undefined;
  const sources = new Map<string, HttpApiSource>();
  const files: Record<string, string> = {};
  for (const [id, res] of Object.entries(resources)) {
    if (res.Type !== HTTP_API_TYPE) continue;
    const raw = (res.Properties ?? {}) as Record<string, unknown>;
    validateProperties(id, raw, HTTP_API_PROPERTIES, HTTP_API_TYPE);
    let props = withGlobals(globals, raw, res.IgnoreGlobals);
    // A local AWS::Include is inserted before SAM runs: SAM sees (and edits) the file's document.
    const included = readIncluded(id, props.DefinitionBody, {
      templateFile: model.file,
      baseDir: model.baseDir,
      readFile: options.readFile,
      resolve: (v) => model.resolver.resolve(v),
    });
    if (included.kind === 'file') {
      addDuplicateKeys(model.duplicateKeys, included.duplicateKeys);
      files[included.file] = included.source;
      props = copyPositions(props, { ...props, DefinitionBody: included.doc });
    }
    sources.set(id, {
      logicalId: id,
      props,
      pos: posOf(resources, id),
      implicit: false,
      condition: typeof res.Condition === 'string' ? res.Condition : undefined,
    });
  }

  const events = readEvents(model, resources);
  const restEvents: RestHttpEvent[] = [];
  if (events.some((e) => e.apiId === IMPLICIT_HTTP_API_ID) && !sources.has(IMPLICIT_HTTP_API_ID)) {
    const first = events.find((e) => e.apiId === IMPLICIT_HTTP_API_ID)!;
    sources.set(IMPLICIT_HTTP_API_ID, {
      logicalId: IMPLICIT_HTTP_API_ID,
      props: withGlobals(globals, { DefinitionBody: openApiSkeleton() }, undefined),
      pos: first.pos,
      implicit: true,
      condition: undefined,
    });
  }
  for (const e of events) {
    if (sources.has(e.apiId)) continue;
    const type = resources[e.apiId]?.Type;
    if (type === undefined)
      throw new TemplateError(
        `event ${e.eventId}: ApiId must be a valid reference to an '${HTTP_API_TYPE}' resource in same template.`,
        posOf(e.props, 'ApiId') ?? e.pos,
      );
    if (type === 'AWS::Serverless::Api') restEvents.push(e);
    // Any other resource has no OpenAPI body SAM can edit: the event adds no route (SAM says nothing).
  }

  const httpApis: DeployedHttpApi[] = [];
  for (const source of sources.values()) {
    const own = events.filter((e) => e.apiId === source.logicalId);
    httpApis.push(deployHttpApi(model, source, own, options));
  }
  return { httpApis, restEvents, sources: files };
}

function validateProperties(
  id: string,
  props: Record<string, unknown>,
  kinds: Record<string, PropertyKind>,
  type: string,
): void {
  for (const [key, value] of Object.entries(props)) {
    const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
    if (!kind)
      throw new TemplateError(
        `${id}: property ${key} is not defined for resources of type ${type}`,
        keyPosOf(props, key),
      );
    if (value === null || value === undefined || kind === 'any') continue;
    const ok = kind
      .split('|')
      .some((k) =>
        k === 'string'
          ? typeof value === 'string' || isIntrinsic(value)
          : k === 'map'
            ? isMap(value)
            : typeof value === 'boolean' || isIntrinsic(value),
      );
    if (!ok)
      throw new TemplateError(
        kind === 'string'
          ? `${id}: Property '${key}' should be a string.`
          : kind === 'map'
            ? `${id}: Property '${key}' should be a map.`
            : `${id}: Type of property '${key}' is invalid.`,
        posOf(props, key),
      );
  }
}

/** Every HttpApi event of every function, validated as SAM's implicit HTTP API plugin does. */
function readEvents(model: TemplateModel, resources: Record<string, Record<string, unknown>>): HttpEvent[] {
  const out: HttpEvent[] = [];
  for (const [functionId, res] of Object.entries(resources)) {
    if (res.Type !== 'AWS::Serverless::Function') continue;
    const props = model.functions[functionId]?.properties ?? {};
    const events = props.Events;
    if (!isMap(events)) continue;
    for (const [eventId, event] of Object.entries(events)) {
      if (!isMap(event) || event.Type !== 'HttpApi') continue;
      const pos = posOf(events, eventId);
      const where = `${functionId} event ${eventId}`;
      let p = event.Properties;
      if (p === undefined || p === null) p = {};
      if (!isMap(p))
        throw new TemplateError(`${where}: Properties should be a map.`, posOf(event, 'Properties') ?? pos);
      validateProperties(`${where}`, p, EVENT_PROPERTIES, 'HttpApi events');
      let apiId = IMPLICIT_HTTP_API_ID;
      if (p.ApiId !== undefined) {
        const target = isMap(p.ApiId)
          ? refTarget(p.ApiId)
          : typeof p.ApiId === 'string'
            ? p.ApiId
            : undefined;
        if (target === undefined)
          throw new TemplateError(`${where}: Property 'ApiId' should be a string.`, posOf(p, 'ApiId'));
        apiId = target;
      }
      let path: unknown = p.Path ?? '';
      let method: unknown = p.Method ?? '';
      if (!path && !method) {
        path = DEFAULT_PATH;
        method = ANY_METHOD;
      }
      if (p.Path === null || (path === '' && p.Path === undefined))
        throw new TemplateError(`${where}: Property 'Path' is required.`, pos);
      if (p.Method === null || (method === '' && p.Method === undefined))
        throw new TemplateError(`${where}: Property 'Method' is required.`, pos);
      if (typeof path !== 'string')
        throw new TemplateError(`${where}: Property 'Path' should be a string.`, posOf(p, 'Path') ?? pos);
      if (typeof method !== 'string')
        throw new TemplateError(`${where}: Property 'Method' should be a string.`, posOf(p, 'Method') ?? pos);
      if ('RouteSettings' in p && !isMap(p.RouteSettings))
        throw new TemplateError(
          `${where}: Property 'RouteSettings' should be a map.`,
          posOf(p, 'RouteSettings') ?? pos,
        );
      out.push({
        functionId,
        eventId,
        apiId,
        path,
        method: method.toLowerCase(),
        props: p,
        pos,
        condition: typeof res.Condition === 'string' ? res.Condition : undefined,
      });
    }
  }
  return out;
}

function deployHttpApi(
  model: TemplateModel,
  source: HttpApiSource,
  events: HttpEvent[],
  options: HttpApiOptions,
): DeployedHttpApi {
  const id = source.logicalId;
  const props = source.props;
  const notes: string[] = [];
  const provenance = new WeakMap<object, Provenance>();
  const at = (key: string) => posOf(props, key) ?? source.pos;

  if (
    props.RouteSettings !== undefined &&
    events.some((e) => 'RouteSettings' in e.props) &&
    !isMap(props.RouteSettings)
  )
    throw new TemplateError(`${id}: Property 'RouteSettings' should be a map.`, at('RouteSettings'));

  // The DefaultDefinitionBody plugin: no DefinitionBody and no DefinitionUri → SAM manages the body.
  const managed = source.implicit || (!props.DefinitionBody && !props.DefinitionUri);
  let body: Doc | undefined;
  if (managed) body = openApiSkeleton();
  else if (props.DefinitionBody) body = cloneDoc(props.DefinitionBody as Doc);

  // The implicit HTTP API plugin adds each event's path to a managed body first.
  if (managed && body) for (const e of events) addPath(body, e.path, e.method, e.pos);

  const apiAuth = props.Auth;
  for (const e of events) {
    if (!body) continue;
    if (!isValidOpenApi(body)) throw new TemplateError(`${id}: ${INVALID_OPENAPI}`, at('DefinitionBody'));
    if (managed && hasIntegration(body, e.path, e.method, e.pos))
      throw new TemplateError(
        `${e.functionId} event ${e.eventId}: API method '${normalizeMethod(e.method)}' defined multiple times for path '${e.path}'.`,
        posOf(e.props, 'Path') ?? e.pos,
      );
    for (const def of integrateEvent(id, body, e, apiAuth))
      provenance.set(def, { pos: e.pos, eventId: e.eventId });
  }

  if (props.DefinitionBody && props.DefinitionUri)
    throw new TemplateError(
      `${id}: Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.`,
      at('DefinitionUri'),
    );
  const cors = corsConfiguration(model, props.CorsConfiguration);
  if (cors) addCors(id, body, cors, props, at('CorsConfiguration'));
  // open_api.py add_cors: "if allow_origins and is_intrinsic(allow_origins)" the intrinsic alone
  // becomes the configuration, so every other key of CorsConfiguration is lost.
  const corsMap = isMap(cors) && !isIntrinsic(cors) ? (cors as Record<string, unknown>) : undefined;
  if (corsMap && isIntrinsic(corsMap.AllowOrigins)) {
    const dropped = Object.keys(corsMap).filter((k) => k !== 'AllowOrigins');
    notes.push(
      `${id}: CorsConfiguration.AllowOrigins is an intrinsic function: SAM then writes that function alone as the CORS configuration (x-amazon-apigateway-cors)${dropped.length > 0 ? ` and drops ${dropped.join(', ')}` : ''}; write AllowOrigins as a list whose items are intrinsics (AllowOrigins: [!Ref Origin]) to keep them`,
    );
  }
  if (apiAuth) addApiAuth(id, body, apiAuth, at('Auth'));
  addTags(id, body, props, at('Tags'));
  // Without DefinitionBody and DefinitionUri SAM's DefaultDefinitionBody plugin has set a body
  // (default_definition_body_plugin.py), so only a DefinitionUri API is refused.
  if (
    props.DisableExecuteApiEndpoint !== undefined &&
    props.DisableExecuteApiEndpoint !== null &&
    !props.DefinitionBody &&
    !managed
  )
    throw new TemplateError(
      `${id}: DisableExecuteApiEndpoint works only within 'DefinitionBody' property.`,
      at('DisableExecuteApiEndpoint'),
    );
  checkInfo(id, body, props, 'Name', 'title', at('Name'));
  checkInfo(id, body, props, 'Description', 'description', at('Description'));
  // SAM moves `$default` to `/$default` when FailOnWarnings is on (http_api_generator._update_default_path).
  if (props.FailOnWarnings && body && isRecord(body.paths) && DEFAULT_PATH in body.paths) {
    const paths = body.paths as Record<string, unknown>;
    const renamed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(paths)) renamed[k === DEFAULT_PATH ? `/${DEFAULT_PATH}` : k] = v;
    body.paths = renamed;
  }

  const stageRaw = props.StageName;
  const stage = stageRaw ? model.resolver.resolveString(stageRaw) : DEFAULT_PATH;
  const deployed: DeployedHttpApi = {
    kind: 'http',
    logicalId: id,
    stageName: stage instanceof Symbolic || stage === undefined ? DEFAULT_PATH : String(stage),
    resources: [],
    cors: undefined,
    authorizers: {},
    pos: source.pos,
    body,
    notes,
  };
  if (stage instanceof Symbolic)
    notes.push(`${id}: StageName is ${stage.text}, known only at deploy; served as the $default stage`);
  const outside = routesWrittenApart(model, id);
  if (outside.length > 0)
    notes.push(
      `${id}: ${outside.join(', ')} ${outside.length > 1 ? 'are routes' : 'is a route'} written as AWS::ApiGatewayV2::Route, which crossgate does not model: serve answers ${outside.length > 1 ? 'them' : 'it'} 404 and check does not judge ${outside.length > 1 ? 'them' : 'it'}`,
    );
  if (!body) {
    if (props.DefinitionUri !== undefined)
      notes.push(`${id} reads its OpenAPI from DefinitionUri; only inline definitions are modelled`);
    return deployed;
  }
  const pick = options.evaluateConditions
    ? (name: string): boolean | undefined => {
        const c = model.resolver.condition(name);
        return typeof c === 'boolean' ? c : undefined;
      }
    : undefined;
  const unchecked: string[] = [];
  const read = readHttpBody(body, {
    provenance,
    pick,
    resolve: (v) => model.resolver.resolve(v),
    functions: model.functions,
    notes: unchecked,
  });
  notes.push(...unchecked.map((n) => `${id}.${n}`));
  deployed.resources = read.resources;
  deployed.authorizers = read.authorizers;
  deployed.cors = read.cors;
  if (deployed.cors && !deployed.cors.pos) deployed.cors.pos = at('CorsConfiguration');
  if (deployed.cors?.unresolved) notes.push(`${id}: CorsConfiguration ${deployed.cors.unresolved}`);
  return deployed;
}

/**
 * Routes added to an HttpApi beside SAM, as AWS::ApiGatewayV2::Route resources (`ApiId: !Ref Api`):
 * `SqsRoute (ANY /sqs)`. They are part of the deployed API, and of no model crossgate builds.
 */
function routesWrittenApart(model: TemplateModel, apiId: string): string[] {
  const out: string[] = [];
  const resources = isMap(model.root.Resources) ? model.root.Resources : {};
  for (const [name, r] of Object.entries(resources)) {
    if (!isMap(r) || r.Type !== 'AWS::ApiGatewayV2::Route' || !isMap(r.Properties)) continue;
    if (refTarget(r.Properties.ApiId) !== apiId) continue;
    const key = r.Properties.RouteKey;
    out.push(typeof key === 'string' ? `${name} (${key})` : name);
  }
  return out;
}

/** One HttpApi event's route (push.py HttpApi._add_openapi_integration); returns the definitions it made. */
function integrateEvent(apiId: string, body: Doc, e: HttpEvent, apiAuth: unknown): Record<string, unknown>[] {
  const uri = {
    'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${e.functionId}.Arn}/invocations`,
  };
  const created = addLambdaIntegration(body, e.path, e.method, uri, e.condition, e.pos);
  if (e.props.Auth) addEventAuth(apiId, e, body, apiAuth);
  if (e.props.TimeoutInMillis) setTimeout(body, e.path, e.method, e.props.TimeoutInMillis, e.pos);
  if (e.props.PayloadFormatVersion)
    setPayloadFormatVersion(body, e.path, e.method, e.props.PayloadFormatVersion, e.pos);
  return created;
}

/**
 * An HttpApi event aimed at an AWS::Serverless::Api: SAM's HTTP API event source edits the REST API's
 * OpenAPI body like an HTTP API's (payload format 2.0 integration; fixture api_with_any_method_in_swagger).
 */
export function addHttpEventIntegration(
  body: Doc,
  e: RestHttpEvent,
  apiAuth: unknown,
): Record<string, unknown>[] {
  if (!isValidOpenApi(body)) throw new TemplateError(`${e.apiId}: ${INVALID_OPENAPI}`, e.pos);
  return integrateEvent(e.apiId, body, e, apiAuth);
}

/** The CorsConfiguration SAM acts on: parameter Refs resolved first (SamHttpApi.to_cloudformation). */
function corsConfiguration(model: TemplateModel, value: unknown): unknown {
  if (isMap(value) && typeof value.Ref === 'string' && Object.keys(value).length === 1) {
    const resolved = model.resolver.resolve(value);
    if (resolved instanceof Symbolic) return value;
    // CloudFormation parameters are strings; SAM reads a boolean Default as the boolean it is.
    if (resolved === 'true') return true;
    if (resolved === 'false') return false;
    return resolved;
  }
  return value;
}

function addCors(
  id: string,
  body: Doc | undefined,
  cors: unknown,
  props: Record<string, unknown>,
  at: Pos | undefined,
): void {
  if (!cors) return;
  if (!body)
    throw new CorsConfigurationError(
      `${id}: Cors works only with inline OpenApi specified in 'DefinitionBody' property.`,
      at,
    );
  let input: Parameters<typeof addHttpCors>[1];
  let source: Record<string, unknown> | undefined;
  if (typeof cors === 'boolean') input = { allowOrigins: ['*'] };
  else if (isIntrinsic(cors)) input = { allowOrigins: cors };
  else if (isMap(cors)) {
    for (const key of Object.keys(cors))
      if (!CORS_PROPERTIES.includes(key))
        throw new CorsConfigurationError(
          `${id}: Invalid key '${key}' for 'Cors' property.`,
          keyPosOf(cors, key),
        );
    validateCorsTypes(id, cors);
    source = cors;
    input = {
      allowOrigins: cors.AllowOrigins,
      allowHeaders: cors.AllowHeaders,
      allowMethods: cors.AllowMethods,
      exposeHeaders: cors.ExposeHeaders,
      maxAge: cors.MaxAge,
      allowCredentials: cors.AllowCredentials ?? false,
    };
  } else throw new CorsConfigurationError(`${id}: Invalid value for 'Cors' property.`, at);
  if (!isValidOpenApi(body))
    throw new CorsConfigurationError(
      `${id}: Unable to add Cors configuration because 'DefinitionBody' does not contain a valid OpenApi definition.`,
      at,
    );
  const origins = input.allowOrigins;
  if (input.allowCredentials === true && Array.isArray(origins) && origins.length === 1 && origins[0] === '*')
    throw new CorsConfigurationError(
      `${id}: Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is "'*'" or not set.`,
      (source && posOf(source, 'AllowCredentials')) ?? at,
    );
  addHttpCors(body, input, source, at ?? posOf(props, 'CorsConfiguration'));
}

/**
 * SAM copies CorsConfiguration's values as written; CloudFormation then refuses a value of the wrong
 * type (AWS::ApiGatewayV2::Api Cors: lists of strings, MaxAge an integer, AllowCredentials a boolean).
 */
function validateCorsTypes(id: string, cors: Record<string, unknown>): void {
  for (const key of ['AllowOrigins', 'AllowHeaders', 'AllowMethods', 'ExposeHeaders']) {
    const v = cors[key];
    if (v === undefined || v === null || isIntrinsic(v)) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && !isIntrinsic(x)))
      throw new CorsConfigurationError(
        `${id}: CorsConfiguration.${key} must be a list of strings (AWS::ApiGatewayV2::Api Cors); it is ${describe(v)}.`,
        posOf(cors, key),
      );
  }
  const maxAge = cors.MaxAge;
  if (maxAge !== undefined && maxAge !== null && !isIntrinsic(maxAge) && !Number.isInteger(maxAge))
    throw new CorsConfigurationError(
      `${id}: CorsConfiguration.MaxAge must be an integer number of seconds; it is ${describe(maxAge)}.`,
      posOf(cors, 'MaxAge'),
    );
  const cred = cors.AllowCredentials;
  if (cred !== undefined && cred !== null && !isIntrinsic(cred) && typeof cred !== 'boolean')
    throw new CorsConfigurationError(
      `${id}: CorsConfiguration.AllowCredentials must be true or false; it is ${describe(cred)}.`,
      posOf(cors, 'AllowCredentials'),
    );
}

export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isMap(v)) return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** An event's Auth (push.py HttpApi._add_auth_to_openapi_integration). */
function addEventAuth(apiId: string, e: HttpEvent, body: Doc, apiAuth: unknown): void {
  const auth = e.props.Auth as Record<string, unknown>;
  const where = `${e.functionId} event ${e.eventId}`;
  const at = posOf(e.props, 'Auth') ?? e.pos;
  const method = normalizeMethod(e.method);
  if (!isMap(apiAuth ?? {})) throw new TemplateError(`${apiId}: Property 'Auth' should be a map.`, at);
  const api = (apiAuth ?? {}) as Record<string, unknown>;
  let authorizer = auth.Authorizer;
  if (!authorizer) {
    if (!api.DefaultAuthorizer)
      throw new TemplateError(
        `${where}: 'Auth' section requires either an explicit 'Authorizer' set or a 'DefaultAuthorizer' configured on the HttpApi.`,
        at,
      );
    authorizer = api.DefaultAuthorizer;
  }
  // SAM reads `api_auth and api_auth.get("Authorizers")`: an empty Auth counts as no authorizers at all.
  const authorizers = Object.keys(api).length === 0 ? {} : api.Authorizers;
  const iamEnabled = api.EnableIamAuthorizer === true;
  if (authorizer !== 'NONE' && !(authorizer === 'AWS_IAM' && iamEnabled)) {
    if (typeof authorizer !== 'string' || !isMap(authorizers))
      throw new TemplateError(
        `${where}: Unable to set Authorizer [${typeof authorizer === 'string' ? authorizer : pyRepr(authorizer)}] on API method [${method}] for path [${e.path}]. The method authorizer must be a string with a corresponding dict entry in the api authorizer.`,
        posOf(auth, 'Authorizer') ?? at,
      );
  }
  if (authorizer === 'NONE') {
    if (!api.DefaultAuthorizer)
      throw new TemplateError(
        `${where}: Unable to set Authorizer on API method [${method}] for path [${e.path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`,
        posOf(auth, 'Authorizer') ?? at,
      );
  } else if (authorizer !== 'AWS_IAM' || !iamEnabled) {
    if (!isMap(authorizers) || Object.keys(authorizers).length === 0)
      throw new TemplateError(
        `${where}: Unable to set Authorizer [${authorizer}] on API method [${method}] for path [${e.path}] because the related API does not define any Authorizers.`,
        posOf(auth, 'Authorizer') ?? at,
      );
    if (!authorizers[authorizer as string])
      throw new TemplateError(
        `${where}: Unable to set Authorizer [${authorizer}] on API method [${method}] for path [${e.path}] because it wasn't defined in the API's Authorizers.`,
        posOf(auth, 'Authorizer') ?? at,
      );
  }
  if (auth.AuthorizationScopes && !Array.isArray(auth.AuthorizationScopes))
    throw new TemplateError(
      `${where}: Unable to set Authorizer on API method [${method}] for path [${e.path}] because 'AuthorizationScopes' must be a list of strings.`,
      posOf(auth, 'AuthorizationScopes') ?? at,
    );
  setMethodAuthorizer(
    body,
    e.path,
    e.method,
    authorizer as string,
    isMap(authorizers) ? authorizers : undefined,
    auth.AuthorizationScopes ?? [],
    at,
  );
}

function pyRepr(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isMap(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `'${k}': ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

type AuthorizerType = 'JWT' | 'REQUEST' | 'AWS_IAM';
const ALLOWED: Record<AuthorizerType, string[]> = {
  JWT: ['AuthorizationScopes', 'JwtConfiguration', 'IdentitySource'],
  REQUEST: [
    'FunctionArn',
    'FunctionInvokeRole',
    'Identity',
    'AuthorizerPayloadFormatVersion',
    'EnableSimpleResponses',
    'EnableFunctionDefaultPermissions',
  ],
  AWS_IAM: [],
};
const FOR: Record<string, string> = {
  AuthorizationScopes: 'OAuth2 Authorizer',
  JwtConfiguration: 'OAuth2 Authorizer',
  IdentitySource: "OAuth2 Authorizer. For Lambda Authorizer, use the 'Identity' property instead",
  FunctionArn: 'Lambda Authorizer',
  FunctionInvokeRole: 'Lambda Authorizer',
  Identity: 'Lambda Authorizer',
  AuthorizerPayloadFormatVersion: 'Lambda Authorizer',
  EnableSimpleResponses: 'Lambda Authorizer',
  EnableFunctionDefaultPermissions: 'Lambda Authorizer',
};

/** The API's Auth: security schemes and the default authorizer (http_api_generator._add_auth). */
function addApiAuth(id: string, body: Doc | undefined, auth: unknown, at: Pos | undefined): void {
  if (!isMap(auth)) throw new TemplateError(`${id}: Property 'Auth' should be a map.`, at);
  if (!body)
    throw new TemplateError(
      `${id}: Auth works only with inline OpenApi specified in the 'DefinitionBody' property.`,
      at,
    );
  for (const key of Object.keys(auth))
    if (!AUTH_PROPERTIES.includes(key))
      throw new TemplateError(`${id}: Invalid value for 'Auth' property`, keyPosOf(auth, key));
  if (!isValidOpenApi(body))
    throw new TemplateError(
      `${id}: Unable to add Auth configuration because 'DefinitionBody' does not contain a valid OpenApi definition.`,
      at,
    );
  // Keyed by names from the template: no Object.prototype members (DefaultAuthorizer: toString).
  const authorizers: Record<string, { type: AuthorizerType; def: Record<string, unknown> }> =
    Object.create(null);
  if (auth.EnableIamAuthorizer === true) authorizers.AWS_IAM = { type: 'AWS_IAM', def: {} };
  const defs = auth.Authorizers;
  if (defs) {
    if (!isMap(defs))
      throw new TemplateError(
        `${id}: Property 'Auth.Authorizers' should be a map.`,
        posOf(auth, 'Authorizers'),
      );
    for (const [name, def] of Object.entries(defs)) {
      const here = posOf(defs, name);
      if (!isMap(def))
        throw new TemplateError(`${id}: Property 'Auth.Authorizers.${name}' should be a map.`, here);
      if ('OpenIdConnectUrl' in def)
        throw new TemplateError(
          `${id}: 'OpenIdConnectUrl' is no longer a supported property for authorizer '${name}'. Please refer to the AWS SAM documentation.`,
          keyPosOf(def, 'OpenIdConnectUrl'),
        );
      authorizers[name] = { type: authorizerType(id, name, def, here), def };
    }
  }
  const doc = body;
  if (Object.keys(authorizers).length > 0) {
    const components = isRecord(doc.components) ? doc.components : {};
    const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {};
    for (const [name, a] of Object.entries(authorizers)) schemes[name] = authorizerScheme(name, a);
    components.securitySchemes = schemes;
    doc.components = components;
  }
  const dflt = auth.DefaultAuthorizer;
  if (!dflt || (isMap(dflt) && dflt.Ref === 'AWS::NoValue')) return;
  if (typeof dflt !== 'string')
    throw new TemplateError(
      `${id}: Property 'Auth.DefaultAuthorizer' should be a string.`,
      posOf(auth, 'DefaultAuthorizer'),
    );
  if (!authorizers[dflt])
    throw new TemplateError(
      `${id}: Unable to set DefaultAuthorizer because '${dflt}' was not defined in 'Authorizers'.`,
      posOf(auth, 'DefaultAuthorizer'),
    );
  const scopes = authorizers[dflt].def.AuthorizationScopes;
  setDefaultAuthorizer(doc, dflt, scopes ?? [], (path) => posOf(doc.paths, path) ?? at);
}

/** ApiGatewayV2Authorizer's own checks, and which kind the properties make it. */
function authorizerType(
  id: string,
  name: string,
  def: Record<string, unknown>,
  at: Pos | undefined,
): AuthorizerType {
  if (
    def.AuthorizationScopes !== undefined &&
    def.AuthorizationScopes !== null &&
    !Array.isArray(def.AuthorizationScopes)
  )
    throw new TemplateError(`${id}: AuthorizationScopes must be a list.`, posOf(def, 'AuthorizationScopes'));
  const jwt = def.JwtConfiguration;
  if (jwt && !isMap(jwt))
    throw new TemplateError(
      `${id}: Property 'JwtConfiguration' should be a map.`,
      posOf(def, 'JwtConfiguration'),
    );
  const type: AuthorizerType = jwt ? 'JWT' : 'REQUEST';
  for (const key of Object.keys(def)) {
    if (def[key] === undefined || def[key] === null || ALLOWED[type].includes(key) || !FOR[key]) continue;
    throw new TemplateError(`${id}: ${key} is only supported for ${FOR[key]}.`, keyPosOf(def, key));
  }
  if (type === 'JWT' && !def.IdentitySource)
    throw new TemplateError(`${id}: ${name} OAuth2 Authorizer must define 'IdentitySource'.`, at);
  if (type === 'REQUEST') {
    if (!def.FunctionArn)
      throw new TemplateError(`${id}: ${name} Lambda Authorizer must define 'FunctionArn'.`, at);
    if (!def.AuthorizerPayloadFormatVersion)
      throw new TemplateError(
        `${id}: ${name} Lambda Authorizer must define 'AuthorizerPayloadFormatVersion'.`,
        at,
      );
  }
  const perms = def.EnableFunctionDefaultPermissions;
  if (perms !== undefined && perms !== null && typeof perms !== 'boolean')
    throw new TemplateError(
      `${id}: Property 'Authorizers.${name}.EnableFunctionDefaultPermissions' should be a boolean.`,
      posOf(def, 'EnableFunctionDefaultPermissions'),
    );
  return type;
}

/** http_api_generator._add_tags: only its refusals matter here (tags change no route). */
function addTags(
  id: string,
  body: Doc | undefined,
  props: Record<string, unknown>,
  at: Pos | undefined,
): void {
  const tags = props.Tags;
  if (tags && !body)
    throw new TemplateError(
      `${id}: Tags works only with inline OpenApi specified in the 'DefinitionBody' property.`,
      at,
    );
  if (!body) return;
  if (!isValidOpenApi(body)) {
    if (tags)
      throw new TemplateError(
        `${id}: Unable to add \`Tags\` because 'DefinitionBody' does not contain a valid OpenApi definition.`,
        at,
      );
    return;
  }
  if (body.tags !== undefined && body.tags !== null && !Array.isArray(body.tags))
    throw new TemplateError(
      `Tags in OpenApi DefinitionBody needs to be a list. ${pyRepr(body.tags)} is a ${isMap(body.tags) ? 'dict' : typeof body.tags} not a list.`,
      posOf(body, 'tags'),
    );
}

/** Name and Description need an inline body without its own title/description (_add_title, _add_description). */
function checkInfo(
  id: string,
  body: Doc | undefined,
  props: Record<string, unknown>,
  key: 'Name' | 'Description',
  field: 'title' | 'description',
  at: Pos | undefined,
): void {
  if (!props[key]) return;
  if (!body)
    throw new TemplateError(
      `${id}: ${key} works only with inline OpenApi specified in the 'DefinitionBody' property.`,
      at,
    );
  const info = isRecord(body.info) ? body.info : {};
  const current = info[field];
  const taken =
    field === 'title'
      ? !(isRecord(current) && current.Ref === 'AWS::StackName' && Object.keys(current).length === 1)
      : Boolean(current);
  if (taken)
    throw new TemplateError(
      `${id}: Unable to set ${key} because it is already defined within inline OpenAPI specified in the 'DefinitionBody' property.`,
      at,
    );
}

export interface HttpBodyReadOptions {
  provenance?: WeakMap<object, Provenance>;
  /** Chooses Fn::If branches; without it every branch is kept. */
  pick?: (condition: string) => boolean | undefined;
  /** Evaluates intrinsics in values crossgate acts on (payload format, CORS lists). */
  resolve?: (v: unknown) => unknown;
  functions?: Record<string, unknown>;
  /** Receives what is read but not acted on locally (a JWT issuer known only at deploy), by authorizer name. */
  notes?: string[];
}

const ROUTE_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', ANY_METHOD]);

/**
 * Reads an HTTP API's OpenAPI body as API Gateway imports it: routes (the `$default` path, or
 * `/$default` SAM writes under FailOnWarnings, is the catch-all route), authorizers from
 * `components.securitySchemes`, CORS from `x-amazon-apigateway-cors`.
 */
export function readHttpBody(
  body: Doc,
  o: HttpBodyReadOptions = {},
): {
  resources: DeployedResource[];
  authorizers: Record<string, DeployedHttpAuthorizer>;
  cors: DeployedCors | undefined;
} {
  const resolve = o.resolve ?? ((v: unknown) => v);
  const choose = (item: unknown) =>
    conditionalContents(item).filter(({ condition, branch }) => {
      if (!o.pick || condition === undefined) return true;
      const c = o.pick(condition);
      return c === undefined ? true : c === branch;
    });
  const resources: DeployedResource[] = [];
  const paths = isRecord(body.paths) ? body.paths : {};
  for (const [rawPath, rawItem] of Object.entries(paths)) {
    const methods: DeployedMethod[] = [];
    let isDefault = rawPath === DEFAULT_PATH;
    for (const { value: item, condition: pathCondition } of choose(rawItem)) {
      if (!isRecord(item)) continue;
      for (const [key, rawDef] of Object.entries(item)) {
        if (!ROUTE_METHODS.has(key.toLowerCase())) continue;
        for (const { value: def, condition } of choose(rawDef)) {
          if (!isRecord(def)) continue;
          if (def.isDefaultRoute === true && rawPath === `/${DEFAULT_PATH}`) isDefault = true;
          methods.push(readRoute(key, def, condition ?? pathCondition, o, posOf(item, key), resolve));
        }
      }
    }
    resources.push({ path: isDefault ? DEFAULT_PATH : rawPath, methods });
  }
  return {
    resources,
    authorizers: readAuthorizers(body, resolve, o.functions, o.notes),
    cors:
      body[CORS_EXTENSION] === undefined
        ? undefined
        : readCors(body[CORS_EXTENSION], resolve, posOf(body, CORS_EXTENSION)),
  };
}

function readRoute(
  key: string,
  def: Record<string, unknown>,
  condition: string | undefined,
  o: HttpBodyReadOptions,
  fallbackPos: Pos | undefined,
  resolve: (v: unknown) => unknown,
): DeployedMethod {
  const integration = isRecord(def[INTEGRATION]) ? def[INTEGRATION] : undefined;
  const type = integration ? String(integration.type ?? 'none').toLowerCase() : 'none';
  let authorizer: string | undefined;
  let scopes: unknown[] = [];
  for (const s of Array.isArray(def.security) ? def.security : []) {
    if (!isRecord(s)) continue;
    for (const [name, value] of Object.entries(s)) {
      if (authorizer !== undefined) break;
      authorizer = name;
      scopes = Array.isArray(value) ? value : [];
    }
  }
  const prov = o.provenance?.get(def);
  // An AWS service integration is AWS_PROXY with a subtype naming the action (AWS docs: "Working with
  // AWS service integrations for HTTP APIs"); a Lambda integration has none.
  const subtype = integration ? resolve(integration.integrationSubtype) : undefined;
  const service = typeof subtype === 'string' && type === 'aws_proxy' ? subtype : undefined;
  const version = integration ? resolve(integration.payloadFormatVersion) : undefined;
  const timeout = integration ? resolve(integration.timeoutInMillis) : undefined;
  const fn = integration ? functionFromUri(integration.uri) : undefined;
  return {
    method: key.toLowerCase() === ANY_METHOD ? 'ANY' : key.toUpperCase(),
    integration: (service
      ? 'aws'
      : ['aws_proxy', 'http_proxy', 'mock', 'aws', 'http'].includes(type)
        ? type
        : 'none') as DeployedMethod['integration'],
    functionId: service ? undefined : o.functions ? canonicalFunctionId(fn, o.functions) : fn,
    apiKeyRequired: false,
    authorizer: authorizer === 'NONE' ? undefined : authorizer,
    authorizationScopes: scopes,
    corsPreflight: false,
    mockStatus: undefined,
    mockHeaders: [],
    integrationResponses: [],
    target: service
      ? {
          uri: integration?.uri,
          url: undefined,
          connectionType: String(integration?.connectionType ?? 'INTERNET'),
          httpMethod: undefined,
          service,
          pos: nodePos(integration),
        }
      : undefined,
    condition,
    pos: prov?.pos ?? fallbackPos ?? nodePos(def),
    eventId: prov?.eventId,
    payloadFormatVersion:
      version === undefined || version === null
        ? undefined
        : typeof version === 'string' || typeof version === 'number'
          ? versionText(version)
          : JSON.stringify(integration?.payloadFormatVersion),
    timeoutMs: typeof timeout === 'number' ? timeout : undefined,
  };
}

/**
 * A payload format version as API Gateway reads it: `1.0` written unquoted is a YAML number, which
 * SAM copies into the body as the number 1.0 — still version 1.0, not "1" (which read as 2.0).
 */
function versionText(v: unknown): string {
  return typeof v === 'number' && Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function readAuthorizers(
  body: Doc,
  resolve: (v: unknown) => unknown,
  functions: Record<string, unknown> | undefined,
  notes: string[] | undefined,
): Record<string, DeployedHttpAuthorizer> {
  const out: Record<string, DeployedHttpAuthorizer> = {};
  const components = isRecord(body.components) ? body.components : {};
  const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isRecord(scheme)) continue;
    const pos = posOf(schemes, name);
    const ext = isRecord(scheme[AUTHORIZER_EXTENSION]) ? scheme[AUTHORIZER_EXTENSION] : undefined;
    if (scheme['x-amazon-apigateway-authtype'] === 'awsSigv4' && !ext) {
      out[name] = emptyAuthorizer(name, 'AWS_IAM', pos);
      continue;
    }
    if (!ext) continue;
    const kind = String(ext.type ?? '').toLowerCase();
    const sources = resolve(ext.identitySource);
    const identitySource = (
      Array.isArray(sources) ? sources : typeof sources === 'string' ? sources.split(',') : []
    )
      .filter((s): s is string => typeof s === 'string')
      .map((s) => s.trim());
    if (kind === 'jwt') {
      const jwt = isRecord(ext.jwtConfiguration)
        ? (resolve(ext.jwtConfiguration) as Record<string, unknown>)
        : {};
      const audience =
        isRecord(jwt) && Array.isArray(jwt.audience)
          ? jwt.audience.filter((a): a is string => typeof a === 'string')
          : [];
      out[name] = {
        ...emptyAuthorizer(name, 'JWT', pos),
        identitySource,
        issuer: isRecord(jwt) && typeof jwt.issuer === 'string' ? jwt.issuer : undefined,
        audience,
      };
      // An issuer or audience computed at deploy (a user pool's !Sub, a client's !Ref) is not checked
      // by serve: say so, as the unverified signature is said.
      const unknown = [
        isRecord(jwt) && jwt.issuer !== undefined && typeof jwt.issuer !== 'string' ? 'issuer' : undefined,
        isRecord(jwt) && Array.isArray(jwt.audience) && audience.length < jwt.audience.length
          ? 'audience'
          : undefined,
      ].filter((x): x is string => x !== undefined);
      if (unknown.length > 0)
        notes?.push(
          `${name}: the JWT ${unknown.join(' and ')} ${unknown.length > 1 ? 'are' : 'is'} known only at deploy: serve accepts a token ${unknown.includes('issuer') ? 'from any issuer' : ''}${unknown.length > 1 ? ', ' : ''}${unknown.includes('audience') ? 'for any audience' : ''} (expiry and scopes are still checked)`,
        );
    } else if (kind === 'request') {
      const uri = ext.authorizerUri;
      let fn: string | undefined;
      if (isRecord(uri) && Array.isArray(uri['Fn::Sub']) && isRecord(uri['Fn::Sub'][1])) {
        const arn = (uri['Fn::Sub'][1] as Record<string, unknown>).__FunctionArn__;
        fn =
          refTarget(arn) ??
          (isRecord(arn) && Array.isArray(arn['Fn::GetAtt']) ? String(arn['Fn::GetAtt'][0]) : undefined);
        if (isRecord(arn) && 'Fn::GetAtt' in arn && typeof arn['Fn::GetAtt'] === 'string')
          fn = arn['Fn::GetAtt'].split('.')[0];
      } else fn = functionFromUri(uri);
      const ttl = resolve(ext.authorizerResultTtlInSeconds);
      out[name] = {
        ...emptyAuthorizer(name, 'REQUEST', pos),
        identitySource,
        functionId: functions ? canonicalFunctionId(fn, functions) : fn,
        payloadFormatVersion:
          ext.authorizerPayloadFormatVersion === undefined
            ? undefined
            : versionText(resolve(ext.authorizerPayloadFormatVersion)),
        simpleResponses: resolve(ext.enableSimpleResponses) === true,
        // AWS docs (apigatewayv2 Authorizer, authorizerResultTtlInSeconds): 0 disables caching.
        ttlSeconds: typeof ttl === 'number' ? ttl : Number(ttl ?? 0) || 0,
      };
    }
  }
  return out;
}

/** An authorizer with nothing configured (AWS_IAM's, or one whose definition is elsewhere). */
export function emptyAuthorizer(
  name: string,
  type: DeployedHttpAuthorizer['type'],
  pos: Pos | undefined,
): DeployedHttpAuthorizer {
  return {
    name,
    type,
    identitySource: [],
    issuer: undefined,
    audience: [],
    functionId: undefined,
    payloadFormatVersion: undefined,
    simpleResponses: false,
    ttlSeconds: 0,
    pos,
  };
}

const CORS_FIELDS: Record<string, CorsListProperty> = {
  allowOrigins: 'allowOrigins',
  allowMethods: 'allowMethods',
  allowHeaders: 'allowHeaders',
  exposeHeaders: 'exposeHeaders',
};

/**
 * The value as written that a known condition's `Fn::If` picks (branch within branch), so that what is
 * read from it keeps its own line; the value itself when it is no `Fn::If` or its condition is unknown.
 */
function writtenBranch(raw: unknown, resolve: (v: unknown) => unknown): unknown {
  let node = raw;
  for (let depth = 0; depth < 32 && isIntrinsic(node) && 'Fn::If' in node; depth++) {
    const arg = node['Fn::If'];
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') break;
    let picked: unknown;
    try {
      picked = resolve({ Condition: arg[0] });
    } catch {
      break;
    }
    if (typeof picked !== 'boolean') break;
    node = picked ? arg[1] : arg[2];
  }
  return node;
}

/**
 * A CORS configuration as API Gateway or Lambda holds it. `keys` maps the written key names to the
 * model's (camelCase for `x-amazon-apigateway-cors`, PascalCase for a Function URL's `Cors`).
 */
export function readCors(
  raw: unknown,
  resolve: (v: unknown) => unknown,
  pos: Pos | undefined,
  pascal = false,
): DeployedCors {
  const cors: DeployedCors = {
    allowOrigins: [],
    allowMethods: [],
    allowHeaders: [],
    exposeHeaders: [],
    maxAge: undefined,
    allowCredentials: false,
    pos,
    at: {},
    items: {},
    unresolved: undefined,
  };
  const value = resolve(raw);
  if (value instanceof Symbolic || !isMap(value)) {
    cors.unresolved =
      value instanceof Symbolic || isIntrinsic(value) || value === undefined
        ? `is computed by an intrinsic crossgate cannot resolve (${value instanceof Symbolic ? value.text : JSON.stringify(raw)}); its headers are not modelled`
        : `is ${describe(value)} (${JSON.stringify(value)}), not a mapping of CORS settings: API Gateway gets no CORS configuration it can use`;
    return cors;
  }
  const name = (k: string) => (pascal ? k[0].toUpperCase() + k.slice(1) : k);
  const chosen = writtenBranch(raw, resolve);
  const written = isRecord(chosen) ? chosen : {};
  for (const [key, field] of Object.entries(CORS_FIELDS)) {
    const v = value[name(key)];
    if (v === undefined) continue;
    cors.at[field] = posOf(written, name(key));
    if (v instanceof Symbolic) {
      cors.unresolved = `${name(key)} is ${v.text}, known only at deploy`;
      continue;
    }
    const list = Array.isArray(v) ? v : [v];
    cors[field] = list.filter((x): x is string => typeof x === 'string');
    const writtenList = writtenBranch(written[name(key)], resolve);
    cors.items[field] = list.map(
      (_, i) => (Array.isArray(writtenList) ? posOf(writtenList, i) : undefined) ?? cors.at[field],
    );
  }
  const maxAge = value[name('maxAge')];
  if (maxAge !== undefined) {
    cors.at.maxAge = posOf(written, name('maxAge'));
    const n = typeof maxAge === 'number' ? maxAge : Number(maxAge);
    if (Number.isFinite(n)) cors.maxAge = n;
  }
  const cred = value[name('allowCredentials')];
  if (cred !== undefined) {
    cors.at.allowCredentials = posOf(written, name('allowCredentials'));
    cors.allowCredentials = cred === true || cred === 'true';
  }
  return cors;
}
