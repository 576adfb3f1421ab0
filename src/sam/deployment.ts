/**
 * What `sam deploy` creates for each REST API of a template: SAM's transform run on the OpenAPI body
 * (integrations from function events, the CORS OPTIONS mocks, authorizers, API keys, gateway
 * responses), then read back into the deployment model. Every refusal SAM makes for what crossgate
 * models is a TemplateError at the value to change.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { TemplateError } from '../template/errors.js';
import { isIntrinsic } from '../template/intrinsics.js';
import { isMap, refTarget } from '../template/load.js';
import type { ApiModel, RouteModel, TemplateModel, TemplateNote } from '../template/model.js';
import { addDuplicateKeys, keyPosOf, nodePos, posOf } from '../template/parse.js';
import type { Pos } from '../template/position.js';
import { bodyFromMethods } from './cfn-methods.js';
import { type Definition, isInclude, type ReadFile, readDefinition } from './definitions.js';
import { buildFunctionUrls } from './function-url.js';
import { addHttpEventIntegration, buildHttpApis, type RestHttpEvent } from './http-api.js';
import { mappedHeader, readIntegration } from './integrations.js';
import type {
  DeployedApi,
  DeployedAuthorizer,
  DeployedGatewayResponse,
  DeployedMethod,
  DeployedResource,
  Deployment,
  IntegrationType,
  MappedHeader,
} from './model.js';
import {
  ANY_METHOD,
  addApiKeySecurityDefinition,
  addAuthToMethod,
  addCors,
  addLambdaIntegration,
  conditionalContents,
  type Doc,
  GATEWAY_RESPONSES,
  hasIntegration,
  INTEGRATION,
  isRecord,
  isValidSwagger,
  setDefaultApiKeyRequired,
  setDefaultAuthorizer,
  skeleton,
  validatePathItems,
} from './swagger.js';

export { mappedHeader };

/** Where each generated piece of the body came from, for positions in the deployment model. */
interface Provenance {
  pos: Pos | undefined;
  eventId?: string;
  cors?: boolean;
  /** For CORS OPTIONS: where each header's value was written. */
  headerPos?: Record<string, Pos | undefined>;
}

export interface DeploymentOptions {
  /** Pick `Fn::If` branches by evaluating conditions (serve, check). Off: keep every branch (conformance). */
  evaluateConditions?: boolean;
  /**
   * Reads OpenAPI files the template names (DefinitionUri, BodyS3Location, AWS::Include), by absolute
   * path, as `sam package` does. Without it, such APIs are noted as not modelled.
   */
  readFile?: ReadFile;
}

export function buildDeployment(model: TemplateModel, options: DeploymentOptions = {}): Deployment {
  const http = buildHttpApis(model, options);
  const apis: DeployedApi[] = [];
  const sources: Record<string, string> = {};
  let notes = model.notes.slice();
  for (const api of model.apis) {
    const definition = readDefinition(api, {
      templateFile: model.file,
      baseDir: model.baseDir,
      readFile: options.readFile,
      resolve: (v) => model.resolver.resolve(v),
    });
    if (definition.kind === 'file') {
      addDuplicateKeys(model.duplicateKeys, definition.duplicateKeys);
      sources[definition.file] = definition.source;
      // The loader's note that a plain RestApi has no inline Body no longer holds: its file was read.
      if (api.kind === 'cloudformation') notes = notes.filter((n) => n.pos !== api.pos);
    }
    const deployed = deployApi(model, api, options, definition, http.restEvents);
    // A plain RestApi made of Method resources is modelled after all: the loader's note no longer holds.
    if (api.kind === 'cloudformation' && deployed.resources.length > 0)
      notes = notes.filter((n) => n.pos !== api.pos);
    apis.push(deployed);
  }
  const functionUrls = buildFunctionUrls(model);
  if (options.readFile) notes.push(...nestedStackNotes(model, options.readFile));
  return {
    file: model.file,
    apis,
    httpApis: http.httpApis,
    functionUrls,
    notes,
    sources: { ...sources, ...http.sources },
  };
}

/** Text in a template that declares an API or a Function URL (SAM or CloudFormation, YAML or JSON). */
const DECLARES_API =
  /AWS::Serverless::(?:Api|HttpApi)\b|AWS::ApiGateway(?:V2)?::(?:RestApi|Api)\b|AWS::Lambda::Url\b|FunctionUrlConfig|\bType["']?\s*:\s*["']?(?:Api|HttpApi)["']?\s*(?:[,}#]|$)/m;

/**
 * A nested stack whose template is a local file (`AWS::Serverless::Application` Location,
 * `AWS::CloudFormation::Stack` TemplateURL, which `sam package` uploads; SAM docs: "Using nested
 * applications") is deployed with its parent, but check reads one template: when the child declares
 * APIs of its own, say so, and how to check it. Children without APIs are not mentioned.
 */
function nestedStackNotes(model: TemplateModel, readFile: ReadFile): TemplateNote[] {
  const out: TemplateNote[] = [];
  const resources = isMap(model.root.Resources) ? model.root.Resources : {};
  for (const [id, r] of Object.entries(resources)) {
    if (!isMap(r) || !isMap(r.Properties)) continue;
    const key =
      r.Type === 'AWS::Serverless::Application'
        ? 'Location'
        : r.Type === 'AWS::CloudFormation::Stack'
          ? 'TemplateURL'
          : undefined;
    const location = key ? r.Properties[key] : undefined;
    if (typeof location !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) continue;
    const path = isAbsolute(location) ? location : join(model.baseDir, location);
    let text: string | undefined;
    try {
      text = readFile(path);
    } catch {
      text = undefined;
    }
    if (text === undefined || !DECLARES_API.test(text)) continue;
    out.push({
      pos: key ? posOf(r.Properties, key) : undefined,
      // The command names the child as the user would type it, from where they stand.
      message: `${id} is a nested stack (${location}) that declares APIs of its own: check reads one template and does not follow it; run crossgate check ${isAbsolute(location) ? location : join(dirname(model.file), location)} too`,
    });
  }
  return out;
}

function deployApi(
  model: TemplateModel,
  api: ApiModel,
  options: DeploymentOptions,
  definition: Definition = { kind: 'none' },
  httpEvents: RestHttpEvent[] = [],
): DeployedApi {
  const provenance = new WeakMap<object, Provenance>();
  const notes: string[] = [];
  let body: Doc | undefined;
  // An included file is inserted where the transform stood, before SAM runs: SAM edits it as inline.
  const included = definition.kind === 'file' && definition.via === 'include' ? definition.doc : undefined;
  const effective: ApiModel = included ? { ...api, definitionBody: included } : api;

  let methods: ReturnType<typeof bodyFromMethods>;
  if (api.kind === 'cloudformation') {
    const raw = definition.kind === 'file' ? definition.doc : api.definitionBody;
    body = isValidSwagger(raw) ? (raw as Doc) : undefined;
    // No body anywhere: the API is made of AWS::ApiGateway::Resource and ::Method resources.
    if (raw === undefined && definition.kind === 'none') {
      methods = bodyFromMethods(model, api.logicalId);
      body = methods?.body;
    }
  } else {
    body = transformServerlessApi(model, effective, provenance, notes, httpEvents);
    // A DefinitionUri file is imported as written: SAM adds nothing to it (no Cors, Auth or events).
    if (definition.kind === 'file' && definition.via === 'uri' && isValidSwagger(definition.doc))
      body = definition.doc;
  }
  if (definition.kind === 'unread') notes.push(definition.note);
  const stage =
    api.stageName.raw === undefined ? methods?.stageName : model.resolver.resolveString(api.stageName.raw);
  const deployed: DeployedApi = {
    kind: 'rest',
    logicalId: api.logicalId,
    stageName: stage === undefined ? undefined : String(stage),
    resources: [],
    gatewayResponses: [],
    authorizers: methods?.authorizers ?? deployedAuthorizers(api),
    binaryMediaTypes: binaryMediaTypes(model, api, body),
    apiKeySource: String(model.resolver.resolve(api.properties.ApiKeySourceType) ?? 'HEADER'),
    pos: api.pos,
    body,
    notes,
  };
  if (definition.kind === 'file') deployed.definitionFile = definition.file;
  if (!body) {
    if (definition.kind === 'file')
      notes.push(`${api.logicalId}: ${definition.file} is not an OpenAPI document (no 'paths')`);
    else if (definition.kind === 'unread') {
      // said above
    } else if (api.definitionUri !== undefined)
      notes.push(
        `${api.logicalId} reads its OpenAPI from DefinitionUri; only inline definitions are modelled`,
      );
    else if (api.definitionBody !== undefined)
      notes.push(`${api.logicalId}: DefinitionBody is not an inline OpenAPI document crossgate can read`);
    return deployed;
  }
  const pick = options.evaluateConditions
    ? (name: string): boolean | undefined => {
        const c = model.resolver.condition(name);
        return typeof c === 'boolean' ? c : undefined;
      }
    : undefined;
  const read = readBody(body, provenance, pick, (v) => model.resolver.resolve(v));
  for (const r of read.resources)
    for (const m of r.methods) m.functionId = canonicalFunctionId(m.functionId, model.functions);
  deployed.resources = read.resources;
  deployed.gatewayResponses = read.gatewayResponses;
  // Authorizers the OpenAPI declares itself (a DefinitionUri file, an inline body): those SAM's Auth
  // writes are already known, by the same names.
  for (const [name, a] of Object.entries(read.authorizers)) {
    if (deployed.authorizers[name]) continue;
    if (a.functionId) a.functionId = canonicalFunctionId(a.functionId, model.functions);
    deployed.authorizers[name] = a;
  }
  // Positions for gateway responses come from the template's GatewayResponses property.
  const gr = api.gatewayResponses?.raw;
  if (isMap(gr)) {
    for (const r of deployed.gatewayResponses) {
      r.pos = posOf(gr, r.type) ?? r.pos;
      const headers =
        isMap(gr[r.type]) && isMap((gr[r.type] as Record<string, unknown>).ResponseParameters)
          ? ((gr[r.type] as Record<string, Record<string, unknown>>).ResponseParameters.Headers as
              | Record<string, unknown>
              | undefined)
          : undefined;
      for (const h of r.headers) h.pos = (isMap(headers) ? posOf(headers, h.name) : undefined) ?? r.pos;
    }
  }
  return deployed;
}

/** SAM's transform for one AWS::Serverless::Api (explicit or implicit). */
function transformServerlessApi(
  model: TemplateModel,
  api: ApiModel,
  provenance: WeakMap<object, Provenance>,
  notes: string[],
  httpEvents: RestHttpEvent[],
): Doc | undefined {
  const id = api.logicalId;
  const managed = api.definitionBody === undefined && api.definitionUri === undefined;
  if (api.definitionBody !== undefined && api.definitionUri !== undefined) {
    throw new TemplateError(
      `${id}: specify either 'DefinitionUri' or 'DefinitionBody' property and not both.`,
      posOf(api.properties, 'DefinitionUri'),
    );
  }
  if (api.mergeDefinitions && api.definitionUri !== undefined) {
    throw new TemplateError(
      `${id}: Cannot set 'MergeDefinitions' to True when using 'DefinitionUri'.`,
      posOf(api.properties, 'MergeDefinitions'),
    );
  }
  let body: Doc | undefined;
  if (managed) body = skeleton();
  else if (api.definitionBody !== undefined) {
    // An include crossgate did not read: CloudFormation inserts it before SAM runs, so SAM's edits
    // would apply; the caller says why it was not read.
    if (isInclude(api.definitionBody)) return undefined;
    if (!isMap(api.definitionBody) || isIntrinsic(api.definitionBody)) {
      if (api.cors)
        throw corsError(
          api,
          "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid Swagger definition.",
        );
      notes.push(
        `${id}: DefinitionBody is computed by an intrinsic function (${Object.keys(api.definitionBody as object)[0]}); its paths are not modelled`,
      );
      return undefined;
    }
    body = cloneDoc(api.definitionBody);
    if (isValidSwagger(body)) {
      validatePathItems(body, (path) => posOf((api.definitionBody as Doc).paths, path));
      validateOpenApi3Options(api, body);
    }
  }

  const apiAuth = api.auth?.raw;
  const apiAuthorizers = isMap(apiAuth?.Authorizers)
    ? (apiAuth.Authorizers as Record<string, unknown>)
    : undefined;
  if (body) {
    for (const route of api.routes) addRoute(model, api, body, route, managed, apiAuthorizers, provenance);
    // HttpApi events aimed at this REST API edit its body too (SAM's HTTP API event source).
    for (const e of httpEvents)
      if (e.apiId === id)
        for (const def of addHttpEventIntegration(body, e, api.properties.Auth))
          provenance.set(def, { pos: e.pos, eventId: e.eventId });
  }

  if (api.cors) {
    if (!body)
      throw corsError(api, "Cors works only with inline Swagger specified in 'DefinitionBody' property.");
    if (!isValidSwagger(body))
      throw corsError(
        api,
        "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid Swagger definition.",
      );
    const c = api.cors;
    const allowOrigin = c.allowOrigin?.raw ?? "'*'";
    if (c.allowCredentials?.raw === true && allowOrigin === "'*'") {
      throw new TemplateError(
        `${id}: Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is "'*'" or not set`,
        c.allowCredentials.pos,
      );
    }
    if (c.allowOrigin !== undefined && !c.allowOrigin.raw) {
      throw new TemplateError(
        `${id}: Invalid input. Value for AllowedOrigins is required`,
        c.allowOrigin.pos,
      );
    }
    const created = addCors(
      body,
      {
        allowOrigin,
        allowHeaders: c.allowHeaders?.raw,
        allowMethods: c.allowMethods?.raw,
        maxAge: c.maxAge?.raw,
        allowCredentials: c.allowCredentials?.raw,
      },
      c.pos,
    );
    const headerPos = {
      'Access-Control-Allow-Origin': c.allowOrigin?.pos ?? c.pos,
      'Access-Control-Allow-Headers': c.allowHeaders?.pos ?? c.pos,
      'Access-Control-Allow-Methods': c.allowMethods?.pos ?? c.pos,
      'Access-Control-Max-Age': c.maxAge?.pos ?? c.pos,
      'Access-Control-Allow-Credentials': c.allowCredentials?.pos ?? c.pos,
    };
    for (const defs of created.values())
      for (const d of defs) provenance.set(d, { pos: c.pos, cors: true, headerPos });
  }

  if (api.auth) applyApiAuth(api, body, apiAuthorizers);
  if (api.gatewayResponses) applyGatewayResponses(api, body);
  if (body && api.binaryMediaTypes.length > 0) {
    body['x-amazon-apigateway-binary-media-types'] = api.binaryMediaTypes.map((t) =>
      typeof t === 'string' ? t.replace(/~1/g, '/') : t,
    );
  }
  return body;
}

function corsError(api: ApiModel, message: string): TemplateError {
  return new TemplateError(`${api.logicalId}: ${message}`, api.cors?.pos ?? api.pos);
}

function addRoute(
  model: TemplateModel,
  api: ApiModel,
  body: Doc,
  route: RouteModel,
  managed: boolean,
  apiAuthorizers: Record<string, unknown> | undefined,
  provenance: WeakMap<object, Provenance>,
): void {
  validateEventAuth(api, route, apiAuthorizers);
  const overrideAuth = route.auth?.OverrideApiAuth === true;
  if (!managed && !api.mergeDefinitions) {
    if (overrideAuth && route.auth) {
      if (!(route.auth.Authorizer || route.auth.ApiKeyRequired || route.auth.ResourcePolicy)) {
        throw new TemplateError(
          `event ${route.eventId}: Must define one of: Authorizer, ApiKeyRequired or ResourcePolicy when using the OverrideApiAuth property.`,
          posOf(route.properties, 'Auth'),
        );
      }
      addAuthToMethod(body, route.path, route.method, route.auth, apiAuthorizers, route.pos);
    }
    return;
  }
  if (api.mergeDefinitions) {
    mergeRoute(model, api, body, route, apiAuthorizers, provenance);
    return;
  }
  if (hasIntegration(body, route.path, route.method)) {
    throw new TemplateError(
      `event ${route.eventId}: API method "${route.method}" defined multiple times for path "${route.path}".`,
      route.methodPos,
    );
  }
  addEventIntegration(model, body, route, apiAuthorizers, provenance);
}

function addEventIntegration(
  model: TemplateModel,
  body: Doc,
  route: RouteModel,
  apiAuthorizers: Record<string, unknown> | undefined,
  provenance: WeakMap<object, Provenance>,
): void {
  const fn = model.functions[route.functionId];
  const uri = fn
    ? {
        'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${route.functionId}.Arn}/invocations`,
      }
    : { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:states:action/StartExecution` };
  const defs = addLambdaIntegration(body, route.path, route.method, uri, fn?.condition, route.pos);
  for (const d of defs) {
    if (!fn) (d[INTEGRATION] as Record<string, unknown>).type = 'aws';
    provenance.set(d, { pos: route.pos, eventId: route.eventId });
  }
  if (route.auth) addAuthToMethod(body, route.path, route.method, route.auth, apiAuthorizers, route.pos);
}

/**
 * MergeDefinitions: SAM builds each event's method in a fresh skeleton and merges it into the
 * DefinitionBody under the event's own method name (push.py _get_merged_definitions), so `any` stays
 * `any` and a body without `paths` loses the event's route.
 */
function mergeRoute(
  model: TemplateModel,
  api: ApiModel,
  body: Doc,
  route: RouteModel,
  apiAuthorizers: Record<string, unknown> | undefined,
  provenance: WeakMap<object, Provenance>,
): void {
  const generated = skeleton();
  addEventIntegration(model, generated, route, apiAuthorizers, provenance);
  const genPaths = generated.paths as Record<string, Record<string, unknown>>;
  const genMethod = genPaths[route.path][route.method === 'any' ? ANY_METHOD : route.method];
  if (!isRecord(body.paths)) return;
  const paths = body.paths as Record<string, unknown>;
  const item = paths[route.path];
  const existing = isRecord(item) ? item[route.method] : undefined;
  if (existing !== undefined && existing !== null && !isRecord(existing)) {
    throw new TemplateError(
      `${api.logicalId}: Property 'DefinitionBody.paths.${route.path}.${route.method}' should be a map.`,
      posOf(item, route.method),
    );
  }
  const merged = { ...(isRecord(existing) ? existing : {}), ...(isRecord(genMethod) ? genMethod : {}) };
  const p = isRecord(genMethod) ? provenance.get(genMethod) : undefined;
  if (p) provenance.set(merged, p);
  if (!isRecord(item)) paths[route.path] = { [route.method]: merged };
  else item[route.method] = merged;
}

/** The checks SAM makes on an Api event's Auth (push.py add_auth_to_swagger). */
function validateEventAuth(
  api: ApiModel,
  route: RouteModel,
  apiAuthorizers: Record<string, unknown> | undefined,
): void {
  const auth = route.auth;
  if (!auth) return;
  const where = `API method [${route.method}] for path [${route.path}]`;
  const at = posOf(auth, 'Authorizer') ?? posOf(route.properties, 'Auth');
  const authorizer = auth.Authorizer;
  const apiAuth = api.auth?.raw;
  if (authorizer !== undefined && authorizer !== 'AWS_IAM') {
    if (authorizer !== 'NONE') {
      if (!apiAuthorizers || Object.keys(apiAuthorizers).length === 0) {
        throw new TemplateError(
          `event ${route.eventId}: Unable to set Authorizer [${String(authorizer)}] on ${where} because the related API does not define any Authorizers.`,
          at,
        );
      }
      if (typeof authorizer !== 'string' || !Object.hasOwn(apiAuthorizers, authorizer)) {
        throw new TemplateError(
          `event ${route.eventId}: Unable to set Authorizer [${String(authorizer)}] on ${where} because it wasn't defined in the API's Authorizers.`,
          at,
        );
      }
    } else if (!apiAuth?.DefaultAuthorizer) {
      throw new TemplateError(
        `event ${route.eventId}: Unable to set Authorizer on ${where} because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`,
        at,
      );
    }
  }
  if (auth.AuthorizationScopes !== undefined && !authorizer) {
    throw new TemplateError(
      `event ${route.eventId}: AuthorizationScopes works only when Authorizer is set`,
      posOf(auth, 'AuthorizationScopes'),
    );
  }
  const keyRequired = auth.ApiKeyRequired;
  if (keyRequired !== undefined && !keyRequired && !apiAuth?.ApiKeyRequired) {
    throw new TemplateError(
      `event ${route.eventId}: Unable to set ApiKeyRequired [False] on ${where} because the related API does not specify any ApiKeyRequired.`,
      posOf(auth, 'ApiKeyRequired'),
    );
  }
}

function applyApiAuth(
  api: ApiModel,
  body: Doc | undefined,
  apiAuthorizers: Record<string, unknown> | undefined,
): void {
  const auth = api.auth!;
  const id = api.logicalId;
  if (!body)
    throw new TemplateError(
      `${id}: Auth works only with inline Swagger specified in 'DefinitionBody' property.`,
      auth.pos,
    );
  if (!isValidSwagger(body)) {
    throw new TemplateError(
      `${id}: Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.`,
      auth.pos,
    );
  }
  const raw = auth.raw;
  if (raw.Authorizers !== undefined && raw.Authorizers !== null && !isMap(raw.Authorizers)) {
    throw new TemplateError(`${id}: Authorizers must be a dictionary.`, posOf(raw, 'Authorizers'));
  }
  const authorizers: Record<string, unknown> = { ...(apiAuthorizers ?? {}) };
  const dflt = raw.DefaultAuthorizer;
  if (dflt === 'AWS_IAM') authorizers.AWS_IAM = {};
  if (Object.keys(authorizers).length > 0) {
    const defs = isRecord(body.securityDefinitions) ? body.securityDefinitions : {};
    if (
      body.securityDefinitions !== undefined &&
      body.securityDefinitions !== null &&
      !isRecord(body.securityDefinitions)
    ) {
      throw new TemplateError(`${id}: securityDefinitions must be a dictionary.`, auth.pos);
    }
    for (const name of Object.keys(authorizers)) if (!(name in defs)) defs[name] = { type: 'apiKey' };
    body.securityDefinitions = defs;
    if (dflt !== undefined && dflt !== null) {
      if (typeof dflt !== 'string')
        throw new TemplateError(`${id}: DefaultAuthorizer is not a string.`, auth.defaultAuthorizer?.pos);
      if (!Object.hasOwn(authorizers, dflt) && dflt !== 'AWS_IAM') {
        throw new TemplateError(
          `${id}: Unable to set DefaultAuthorizer because '${dflt}' was not defined in 'Authorizers'.`,
          auth.defaultAuthorizer?.pos,
        );
      }
      setDefaultAuthorizer(
        body,
        dflt,
        authorizers,
        raw.AddDefaultAuthorizerToCorsPreflight !== false,
        auth.pos,
      );
    }
  } else if (dflt !== undefined && dflt !== null && typeof dflt !== 'string') {
    throw new TemplateError(`${id}: DefaultAuthorizer is not a string.`, auth.defaultAuthorizer?.pos);
  }
  if (raw.ApiKeyRequired) {
    addApiKeySecurityDefinition(body);
    setDefaultApiKeyRequired(body, raw.AddApiKeyRequiredToCorsPreflight !== false, auth.pos);
  }
}

const GATEWAY_RESPONSE_KEYS = ['ResponseParameters', 'ResponseTemplates', 'StatusCode'];
const GATEWAY_PARAMETER_PREFIXES: [string, string][] = [
  ['Headers', 'header.'],
  ['Paths', 'path.'],
  ['QueryStrings', 'querystring.'],
];

/** SAM's _add_gateway_responses + ApiGatewayResponse.generate_swagger. */
function applyGatewayResponses(api: ApiModel, body: Doc | undefined): void {
  const id = api.logicalId;
  const gr = api.gatewayResponses!;
  if (!body)
    throw new TemplateError(
      `${id}: GatewayResponses works only with inline Swagger specified in 'DefinitionBody' property.`,
      gr.pos,
    );
  if (!isMap(gr.raw))
    throw new TemplateError(`${id}: GatewayResponses must be a mapping of response types`, gr.pos);
  const out: Record<string, unknown> = isRecord(body[GATEWAY_RESPONSES])
    ? (body[GATEWAY_RESPONSES] as Record<string, unknown>)
    : {};
  for (const [type, response] of Object.entries(gr.raw)) {
    const at = posOf(gr.raw, type);
    if (isIntrinsic(response)) {
      throw new TemplateError(
        `${id}: Unable to set GatewayResponses attribute because intrinsic functions are not supported for this field.`,
        at,
      );
    }
    if (!isMap(response)) {
      throw new TemplateError(
        `${id}: Invalid property type '${typeName(response)}' for GatewayResponses. Expected an object of type 'GatewayResponse'.`,
        at,
      );
    }
    for (const key of Object.keys(response)) {
      if (!GATEWAY_RESPONSE_KEYS.includes(key)) {
        throw new TemplateError(
          `${id}: Invalid property '${key}' in 'GatewayResponses' property '${type}'.`,
          keyPosOf(response, key),
        );
      }
    }
    const params = response.ResponseParameters ?? {};
    if (!isMap(params))
      throw new TemplateError(
        `${id}: Property 'GatewayResponses.${type}.ResponseParameters' should be a map.`,
        posOf(response, 'ResponseParameters'),
      );
    for (const key of Object.keys(params)) {
      if (!GATEWAY_PARAMETER_PREFIXES.some(([k]) => k === key)) {
        throw new TemplateError(`${id}: Invalid gateway response parameter '${key}'`, keyPosOf(params, key));
      }
    }
    const status = response.StatusCode;
    const statusText = status === undefined || status === null ? undefined : String(status);
    if (statusText !== undefined && !/^[0-9]{1,3}$/.test(statusText)) {
      throw new TemplateError(`${id}: Property 'StatusCode' must be numeric`, posOf(response, 'StatusCode'));
    }
    const responseParameters: Record<string, unknown> = {};
    for (const [prop, prefix] of GATEWAY_PARAMETER_PREFIXES) {
      const group = params[prop] ?? {};
      if (!isMap(group)) {
        throw new TemplateError(
          `${id}: Property 'ResponseParameters.${prop}' should be a map.`,
          posOf(params, prop),
        );
      }
      for (const [k, v] of Object.entries(group)) responseParameters[`gatewayresponse.${prefix}${k}`] = v;
    }
    const swagger: Record<string, unknown> = {
      responseParameters,
      responseTemplates: response.ResponseTemplates ?? {},
    };
    if (statusText) swagger.statusCode = statusText;
    out[type] = swagger;
  }
  body[GATEWAY_RESPONSES] = out;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  return v === null ? 'NoneType' : typeof v;
}

function deployedAuthorizers(api: ApiModel): Record<string, DeployedAuthorizer> {
  const out: Record<string, DeployedAuthorizer> = {};
  for (const a of Object.values(api.auth?.authorizers ?? {})) {
    out[a.name] = {
      name: a.name,
      type: a.type,
      functionId: a.functionId,
      identityHeaders: a.identity.headers,
      identityQueryStrings: a.identity.queryStrings,
      ttlSeconds: a.identity.reauthorizeEvery ?? 300,
      pos: a.pos,
    };
  }
  return out;
}

function binaryMediaTypes(model: TemplateModel, api: ApiModel, body: Doc | undefined): string[] {
  const list = body?.['x-amazon-apigateway-binary-media-types'] ?? api.properties.BinaryMediaTypes ?? [];
  if (!Array.isArray(list)) return [];
  return list.map((t) => String(model.resolver.resolveString(t) ?? '').replace(/~1/g, '/')).filter(Boolean);
}

const HTTP_METHOD_KEYS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', ANY_METHOD]);

/**
 * Reads an OpenAPI body as API Gateway imports it. `pick` chooses Fn::If branches; without it every
 * branch is kept. `resolve` evaluates intrinsics in header expressions.
 */
export function readBody(
  body: Doc,
  provenance: WeakMap<object, Provenance> = new WeakMap(),
  pick?: (condition: string) => boolean | undefined,
  resolve: (v: unknown) => unknown = (v) => v,
): {
  resources: DeployedResource[];
  gatewayResponses: DeployedGatewayResponse[];
  authorizers: Record<string, DeployedAuthorizer>;
} {
  const resources: DeployedResource[] = [];
  const paths = isRecord(body.paths) ? body.paths : {};
  const schemes = securitySchemes(body, resolve);
  const choose = (item: unknown) =>
    conditionalContents(item).filter(({ condition, branch }) => {
      if (!pick || condition === undefined) return true;
      const c = pick(condition);
      return c === undefined ? true : c === branch;
    });
  for (const [path, rawItem] of Object.entries(paths)) {
    const methods: DeployedMethod[] = [];
    for (const { value: item, condition: pathCondition } of choose(rawItem)) {
      if (!isRecord(item)) continue;
      for (const [key, rawDef] of Object.entries(item)) {
        if (!HTTP_METHOD_KEYS.has(key.toLowerCase())) continue;
        for (const { value: def, condition } of choose(rawDef)) {
          if (!isRecord(def)) continue;
          const prov = provenance.get(def);
          methods.push(
            readMethod(
              key,
              def,
              condition ?? pathCondition,
              prov,
              // The method's key (`put:`), where a finding about the method reads naturally; its value starts a line below.
              keyPosOf(item, key),
              resolve,
              schemes.apiKeys,
            ),
          );
        }
      }
    }
    resources.push({ path, methods });
  }
  const gatewayResponses: DeployedGatewayResponse[] = [];
  const gr = body[GATEWAY_RESPONSES];
  if (isRecord(gr)) {
    for (const [type, r] of Object.entries(gr)) {
      if (!isRecord(r)) continue;
      const params = isRecord(r.responseParameters) ? r.responseParameters : {};
      const headers: MappedHeader[] = [];
      for (const [k, v] of Object.entries(params)) {
        if (!k.startsWith('gatewayresponse.header.')) continue;
        headers.push(
          mappedHeader(k.slice('gatewayresponse.header.'.length), v, undefined, resolve, 'gatewayresponse'),
        );
      }
      const status = r.statusCode === undefined ? undefined : Number(r.statusCode);
      gatewayResponses.push({
        type,
        statusCode: Number.isFinite(status) ? status : undefined,
        headers,
        templates: isRecord(r.responseTemplates) ? r.responseTemplates : {},
        pos: nodePos(r),
      });
    }
  }
  return { resources, gatewayResponses, authorizers: schemes.authorizers };
}

/**
 * The security schemes of an OpenAPI body as API Gateway imports them (AWS docs: "x-amazon-apigateway-authtype",
 * "x-amazon-apigateway-authorizer object"; Swagger 2 securityDefinitions, OpenAPI 3 components.securitySchemes):
 * `awsSigv4` is IAM, an x-amazon-apigateway-authorizer a Lambda (token, request) or Cognito authorizer, and a
 * plain apiKey scheme on the x-api-key header the API key, whatever its name (SAM names it api_key).
 */
function securitySchemes(
  body: Doc,
  resolve: (v: unknown) => unknown,
): { authorizers: Record<string, DeployedAuthorizer>; apiKeys: Set<string> } {
  const authorizers: Record<string, DeployedAuthorizer> = {};
  const apiKeys = new Set<string>();
  const components = isRecord(body.components) ? body.components : {};
  const all = [body.securityDefinitions, components.securitySchemes];
  for (const schemes of all) {
    if (!isRecord(schemes)) continue;
    for (const [name, scheme] of Object.entries(schemes)) {
      if (!isRecord(scheme)) continue;
      const pos = posOf(schemes, name);
      const ext = isRecord(scheme['x-amazon-apigateway-authorizer'])
        ? scheme['x-amazon-apigateway-authorizer']
        : undefined;
      const authtype = String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
      const header = scheme.in === 'header' && typeof scheme.name === 'string' ? scheme.name : undefined;
      const base = { name, functionId: undefined, identityQueryStrings: [], ttlSeconds: 300, pos };
      if (!ext && authtype === 'awssigv4') {
        authorizers[name] = { ...base, type: 'AWS_IAM', identityHeaders: ['Authorization'] };
        continue;
      }
      if (!ext) {
        if (scheme.type === 'apiKey' && header?.toLowerCase() === 'x-api-key') apiKeys.add(name);
        continue;
      }
      const kind = String(resolve(ext.type) ?? '').toLowerCase();
      const sources = resolve(ext.identitySource);
      const identity = (typeof sources === 'string' ? sources.split(',') : [])
        .map((x) => x.trim())
        .filter(Boolean);
      const headers = identity
        .filter((x) => x.startsWith('method.request.header.'))
        .map((x) => x.slice('method.request.header.'.length));
      const ttl = Number(resolve(ext.authorizerResultTtlInSeconds) ?? 300);
      authorizers[name] = {
        ...base,
        type: kind === 'request' ? 'REQUEST' : kind === 'cognito_user_pools' ? 'COGNITO_USER_POOLS' : 'TOKEN',
        functionId: kind === 'cognito_user_pools' ? undefined : functionFromUri(ext.authorizerUri),
        // A token or Cognito authorizer reads the scheme's header (Authorization unless named).
        identityHeaders: kind === 'request' ? headers : [header ?? headers[0] ?? 'Authorization'],
        identityQueryStrings: identity
          .filter((x) => x.startsWith('method.request.querystring.'))
          .map((x) => x.slice('method.request.querystring.'.length)),
        ttlSeconds: Number.isFinite(ttl) ? ttl : 300,
      };
    }
  }
  return { authorizers, apiKeys };
}

function readMethod(
  key: string,
  def: Record<string, unknown>,
  condition: string | undefined,
  prov: Provenance | undefined,
  fallbackPos: Pos | undefined,
  resolve: (v: unknown) => unknown,
  apiKeySchemes: Set<string> = new Set(),
): DeployedMethod {
  const integration = isRecord(def[INTEGRATION]) ? def[INTEGRATION] : undefined;
  const type = integration ? (String(integration.type ?? 'none').toLowerCase() as IntegrationType) : 'none';
  const security = Array.isArray(def.security) ? def.security.filter(isRecord) : [];
  let apiKeyRequired = false;
  let authorizer: string | undefined;
  let scopes: unknown[] = [];
  for (const s of security) {
    for (const [name, value] of Object.entries(s)) {
      if (name === 'api_key' || apiKeySchemes.has(name)) apiKeyRequired = true;
      else if (name !== 'api_key_false' && name !== 'NONE' && authorizer === undefined) {
        authorizer = name;
        scopes = Array.isArray(value) ? value : [];
      }
    }
  }
  const read = integration
    ? readIntegration(integration, type, prov?.headerPos, resolve)
    : { mockStatus: undefined, mockHeaders: [], integrationResponses: [], target: undefined };
  return {
    method: key === ANY_METHOD ? 'ANY' : key.toUpperCase(),
    integration: type,
    functionId: integration ? functionFromUri(integration.uri) : undefined,
    apiKeyRequired,
    authorizer,
    authorizationScopes: scopes,
    corsPreflight: prov?.cors === true,
    mockStatus: read.mockStatus,
    mockHeaders: read.mockHeaders,
    integrationResponses: read.integrationResponses,
    target: read.target,
    condition,
    pos: prov?.pos ?? fallbackPos ?? nodePos(def),
    eventId: prov?.eventId,
  };
}

/** The function a Lambda integration URI names: `${Fn.Arn}` in Fn::Sub, or Fn::GetAtt [Fn, Arn]. */
export function functionFromUri(uri: unknown): string | undefined {
  if (typeof uri === 'string') return undefined;
  if (!isRecord(uri)) return undefined;
  if ('Fn::Sub' in uri) {
    const s = Array.isArray(uri['Fn::Sub']) ? uri['Fn::Sub'][0] : uri['Fn::Sub'];
    if (typeof s === 'string') {
      const m = /functions\/\$\{([A-Za-z0-9]+)(?:\.(?:Arn|Alias))?\}/.exec(s);
      if (m) return m[1];
    }
  }
  if ('Fn::If' in uri && Array.isArray(uri['Fn::If'])) {
    for (const b of uri['Fn::If'].slice(1)) {
      const f = functionFromUri(b);
      if (f) return f;
    }
  }
  if ('Fn::Join' in uri && Array.isArray(uri['Fn::Join']) && Array.isArray(uri['Fn::Join'][1])) {
    // Only the part that follows `…/functions/` names the function: `!Ref AWS::Region` or a queue's
    // name in an SQS or SageMaker service URI is not one (serverless-patterns apigw-sqs-rest).
    const parts: unknown[] = uri['Fn::Join'][1];
    for (const [i, part] of parts.entries()) {
      const before = parts[i - 1];
      if (typeof before !== 'string' || !/(?:functions\/|:function:)$/.test(before)) continue;
      if (isRecord(part) && Array.isArray(part['Fn::GetAtt']) && typeof part['Fn::GetAtt'][0] === 'string')
        return part['Fn::GetAtt'][0];
      const r = refTarget(part);
      if (r && isRecord(part) && !r.startsWith('AWS::')) return r;
    }
  }
  return undefined;
}

/** A deep copy of template values that keeps their positions. */
export function cloneDoc<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => cloneDoc(v));
    copyAllPositions(value, out);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cloneDoc(v);
  copyAllPositions(value, out);
  return out as T;
}

function copyAllPositions(from: object, to: object): void {
  for (const s of Object.getOwnPropertySymbols(from)) {
    (to as Record<symbol, unknown>)[s] = (from as Record<symbol, unknown>)[s];
  }
}

/** SAM's OpenAPI 3 post-processing reads the OPTIONS responses; it refuses ones that are not maps. */
function validateOpenApi3Options(api: ApiModel, body: Doc): void {
  const version = typeof body.openapi === 'string' ? body.openapi : api.properties.OpenApiVersion;
  if (body.swagger !== undefined || typeof version !== 'string' || !/^3(\.\d)(\.\d)?$/.test(version)) return;
  for (const [path, item] of Object.entries(body.paths as Record<string, unknown>)) {
    if (!isRecord(item) || !item.options) continue;
    const at = posOf(item, 'options');
    if (!isRecord(item.options))
      throw new TemplateError(
        `Value of options method for path ${path} must be a dictionary according to Swagger spec.`,
        at,
      );
    const responses = item.options.responses;
    if (responses === undefined) continue;
    if (!isRecord(responses))
      throw new TemplateError(
        `Invalid responses in options method for path ${path}: It should be a map.`,
        at,
      );
    const r200 = responses['200'];
    if (r200 !== undefined && r200 !== null && !isRecord(r200))
      throw new TemplateError(
        `Invalid responses in options method for path ${path}: It should be a map.`,
        at,
      );
    const headers = isRecord(r200) ? r200.headers : undefined;
    if (headers && !isRecord(headers)) {
      throw new TemplateError(
        `Value of response's headers in options method for path ${path} must be a dictionary according to Swagger spec.`,
        at,
      );
    }
  }
}

/** `MyFunctionAliasLive` (the alias SAM makes for AutoPublishAlias) → `MyFunction`. */
export function canonicalFunctionId(
  id: string | undefined,
  functions: Record<string, unknown>,
): string | undefined {
  if (id === undefined || id in functions) return id;
  for (const name of Object.keys(functions)) if (id.startsWith(`${name}Alias`)) return name;
  return id;
}
