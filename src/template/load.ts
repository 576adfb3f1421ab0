/**
 * Builds the ApiModel from template text: resources, Globals merged, parameters resolved, every value
 * with its position. Pure: the caller reads the file.
 */
import { TemplateError } from './errors.js';
import { readGlobals, withGlobals } from './globals.js';
import { isIntrinsic, Resolver, type ResolverOptions, Symbolic } from './intrinsics.js';
import type {
  ApiKeyModel,
  ApiModel,
  AuthModel,
  AuthorizerModel,
  CorsModel,
  FunctionModel,
  HttpApiModel,
  Located,
  RouteModel,
  TemplateModel,
  TemplateNote,
} from './model.js';
import { keyPosOf, nodePos, parseTemplate, posOf, writtenText } from './parse.js';

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
export const IMPLICIT_API_ID = 'ServerlessRestApi';

const CORS_KEYS = ['AllowMethods', 'AllowHeaders', 'AllowOrigin', 'MaxAge', 'AllowCredentials'] as const;
/** The properties AWS::Serverless::Api takes (samtranslator/model/sam_resources.py, SamApi). */
const SERVERLESS_API_PROPERTIES = new Set([
  'Name',
  'StageName',
  'Tags',
  'PropagateTags',
  'DefinitionBody',
  'DefinitionUri',
  'MergeDefinitions',
  'CacheClusterEnabled',
  'CacheClusterSize',
  'Variables',
  'EndpointConfiguration',
  'MethodSettings',
  'BinaryMediaTypes',
  'MinimumCompressionSize',
  'Cors',
  'Auth',
  'GatewayResponses',
  'AccessLogSetting',
  'CanarySetting',
  'TracingEnabled',
  'OpenApiVersion',
  'Models',
  'Domain',
  'FailOnWarnings',
  'Description',
  'Mode',
  'DisableExecuteApiEndpoint',
  'ApiKeySourceType',
  'AlwaysDeploy',
  'Policy',
  'SecurityPolicy',
  'EndpointAccessMode',
]);
const USAGE_PLAN_KEYS = ['CreateUsagePlan', 'Description', 'Quota', 'Tags', 'Throttle', 'UsagePlanName'];
const AUTH_KEYS = [
  'Authorizers',
  'DefaultAuthorizer',
  'InvokeRole',
  'AddDefaultAuthorizerToCorsPreflight',
  'AddApiKeyRequiredToCorsPreflight',
  'ApiKeyRequired',
  'ResourcePolicy',
  'UsagePlan',
];

export interface LoadOptions extends ResolverOptions {
  /** Folder that CodeUri is relative to (the template's folder). */
  baseDir?: string;
}

export function loadTemplate(source: string, file: string, options: LoadOptions = {}): TemplateModel {
  const { root, duplicateKeys } = parseTemplate(source, file);
  const filePos = { file, line: 1, col: 1 };
  const resources = root.Resources;
  if (resources === undefined) throw new TemplateError("the template has no 'Resources' section", filePos);
  if (!isMap(resources))
    throw new TemplateError(
      "'Resources' must be a mapping of logical ids to resources",
      posOf(root, 'Resources'),
    );

  const transform = root.Transform;
  const transforms = Array.isArray(transform) ? transform : transform === undefined ? [] : [transform];
  const isSam = transforms.some((t) => t === SAM_TRANSFORM);
  validateParameters(root);
  const resolver = new Resolver(root, options);
  checkConditionNames(root, resolver, /If\b/.test(source));
  const globals = readGlobals(root);
  const notes: TemplateNote[] = [];
  const model: TemplateModel = {
    file,
    baseDir: options.baseDir ?? '.',
    source,
    root,
    resolver,
    isSam,
    apis: [],
    httpApis: [],
    functions: {},
    apiKeys: [],
    notes,
    duplicateKeys,
  };

  const typeOf = (id: string): string | undefined => {
    const r = resources[id];
    return isMap(r) && typeof r.Type === 'string' ? r.Type : undefined;
  };
  for (const [id, res] of Object.entries(resources)) {
    if (!isMap(res))
      throw new TemplateError(`resource ${id} must be a mapping with a Type`, posOf(resources, id));
    if (typeof res.Type !== 'string') {
      throw new TemplateError(
        `resource ${id} has no Type`,
        res.Type === undefined ? keyPosOf(resources, id) : posOf(res, 'Type'),
      );
    }
    if (res.Properties !== undefined && !isMap(res.Properties)) {
      throw new TemplateError(`the Properties of ${id} must be a mapping`, posOf(res, 'Properties'));
    }
  }

  const apisById = new Map<string, ApiModel>();
  const httpById = new Map<string, HttpApiModel>();
  for (const [id, res] of Object.entries(resources) as [string, Record<string, unknown>][]) {
    const props = (res.Properties ?? {}) as Record<string, unknown>;
    const condition = typeof res.Condition === 'string' ? res.Condition : undefined;
    switch (res.Type) {
      case 'AWS::Serverless::Api': {
        for (const key of Object.keys(props)) {
          // CloudFormation runs a snippet's Fn::Transform before the template's SAM transform, nested
          // macros first (CloudFormation docs, "Perform custom processing on CloudFormation templates
          // with template macros", macro evaluation order; as AWS::Include in DefinitionBody is), so SAM
          // never sees the key: a macro's properties are unknown here, not wrong.
          if (key === 'Fn::Transform') {
            const macro = isMap(props[key]) ? (props[key] as Record<string, unknown>).Name : undefined;
            notes.push({
              pos: keyPosOf(props, key),
              message: `${id}: its properties go through the macro ${typeof macro === 'string' ? macro : '(unnamed)'} (Fn::Transform) before SAM reads them; check reads them as written, without what the macro adds`,
            });
            continue;
          }
          if (!SERVERLESS_API_PROPERTIES.has(key)) {
            throw new TemplateError(
              `${id}: property ${key} is not defined for resources of type AWS::Serverless::Api`,
              keyPosOf(props, key),
            );
          }
        }
        const merged = withGlobals(globals.Api, props, res.IgnoreGlobals);
        const api = readApi(id, 'serverless', merged, posOf(resources, id), condition, resolver);
        apisById.set(id, api);
        break;
      }
      case 'AWS::ApiGateway::RestApi': {
        const api = readApi(
          id,
          'cloudformation',
          { ...props, DefinitionBody: props.Body },
          posOf(resources, id),
          condition,
          resolver,
        );
        api.stageName = { raw: undefined, pos: undefined };
        apisById.set(id, api);
        if (props.Body === undefined) {
          notes.push({
            pos: posOf(resources, id),
            message: `${id} has no inline Body; its methods (AWS::ApiGateway::Method resources or BodyS3Location) are not modelled`,
          });
        }
        break;
      }
      case 'AWS::Serverless::HttpApi': {
        const h: HttpApiModel = {
          logicalId: id,
          pos: posOf(resources, id),
          routes: [],
          note: `${id} is an HTTP API (API Gateway v2): src/sam/http-api.ts models what SAM deploys for it`,
        };
        httpById.set(id, h);
        break;
      }
      case 'AWS::ApiGateway::ApiKey': {
        const value = resolver.resolveString(props.Value);
        const enabled = resolver.resolve(props.Enabled);
        const key: ApiKeyModel = {
          logicalId: id,
          value: typeof value === 'string' ? value : undefined,
          enabled: enabled === true || enabled === 'true',
          pos: posOf(resources, id),
        };
        model.apiKeys.push(key);
        break;
      }
      default:
        break;
    }
  }

  const implicitRoutes: RouteModel[] = [];
  for (const [id, res] of Object.entries(resources) as [string, Record<string, unknown>][]) {
    const isFunction = res.Type === 'AWS::Serverless::Function';
    const isStateMachine = res.Type === 'AWS::Serverless::StateMachine';
    if (!isFunction && !isStateMachine) continue;
    const props = isFunction
      ? withGlobals(globals.Function, (res.Properties ?? {}) as Record<string, unknown>, res.IgnoreGlobals)
      : ((res.Properties ?? {}) as Record<string, unknown>);
    if (isFunction) model.functions[id] = readFunction(id, props, posOf(resources, id), res, resolver);
    const events = props.Events;
    if (events === undefined || events === null) continue;
    if (!isMap(events)) throw new TemplateError(`Events of ${id} must be a mapping`, posOf(props, 'Events'));
    for (const [eventId, event] of Object.entries(events)) {
      if (!isMap(event))
        throw new TemplateError(`event ${eventId} of ${id} must be a mapping`, posOf(events, eventId));
      if (event.Type !== 'Api' && event.Type !== 'HttpApi') continue;
      const ep = event.Properties ?? {};
      if (!isMap(ep))
        throw new TemplateError(
          `Properties of event ${eventId} must be a mapping`,
          posOf(event, 'Properties'),
        );
      const route = readRoute(id, eventId, event.Type, ep, posOf(events, eventId));
      if (event.Type === 'HttpApi') {
        const target = refTarget(ep.ApiId);
        const h = target ? httpById.get(target) : undefined;
        if (h) h.routes.push(route);
        continue;
      }
      if (ep.RestApiId === undefined) {
        route.apiId = IMPLICIT_API_ID;
        implicitRoutes.push(route);
        continue;
      }
      const target = refTarget(ep.RestApiId);
      const at = posOf(ep, 'RestApiId');
      if (target === undefined) {
        throw new TemplateError(
          `event ${eventId}: RestApiId must be a !Ref to an AWS::Serverless::Api in this template`,
          at,
        );
      }
      const targetType = typeOf(target);
      if (targetType === undefined) {
        throw new TemplateError(
          `event ${eventId}: RestApiId refers to ${target}, which is not a resource of this template`,
          at,
        );
      }
      if (targetType === 'AWS::Serverless::HttpApi') {
        throw new TemplateError(
          `event ${eventId}: RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template (${target} is an AWS::Serverless::HttpApi; an HttpApi event takes ApiId)`,
          at,
        );
      }
      if (targetType !== 'AWS::Serverless::Api') {
        // SAM accepts any other resource here and only adds the permission to invoke the function; the
        // route must come from that API's own methods (samtranslator eventsources/push.py, Api).
        notes.push({
          pos: at,
          message: `event ${eventId} of ${id}: RestApiId names ${target}, a ${targetType}; SAM adds only the permission for API Gateway to invoke ${id}, not the route ${route.method.toUpperCase()} ${route.path}`,
        });
        continue;
      }
      route.apiId = target;
      apisById.get(target)?.routes.push(route);
    }
  }

  if (implicitRoutes.length > 0 && !apisById.has(IMPLICIT_API_ID)) {
    const merged = withGlobals(globals.Api, { StageName: 'Prod' }, undefined);
    const api = readApi(IMPLICIT_API_ID, 'implicit', merged, implicitRoutes[0].pos, undefined, resolver);
    api.routes = implicitRoutes;
    apisById.set(IMPLICIT_API_ID, api);
  } else if (implicitRoutes.length > 0) {
    apisById.get(IMPLICIT_API_ID)?.routes.push(...implicitRoutes);
  }

  model.apis = [...apisById.values()];
  model.httpApis = [...httpById.values()];
  return model;
}

function readApi(
  id: string,
  kind: ApiModel['kind'],
  props: Record<string, unknown>,
  pos: ApiModel['pos'],
  condition: string | undefined,
  resolver: Resolver,
): ApiModel {
  const located = (key: string): Located | undefined =>
    props[key] === undefined ? undefined : { raw: props[key], pos: posOf(props, key) };
  if (kind === 'serverless' && props.StageName !== undefined) {
    const stage = resolver.resolve(props.StageName);
    if (
      stage === '' ||
      (typeof stage !== 'string' && !(stage instanceof Symbolic) && typeof stage !== 'number')
    ) {
      throw new TemplateError(`${id}: StageName must be a non-empty string`, posOf(props, 'StageName'));
    }
  }
  const body = props.DefinitionBody;
  if (kind === 'serverless' && body !== undefined && !isMap(body)) {
    throw new TemplateError(
      `${id}: DefinitionBody must be a mapping (an inline OpenAPI document)`,
      posOf(props, 'DefinitionBody'),
    );
  }
  const version = props.OpenApiVersion;
  if (version !== undefined && !isIntrinsic(version)) {
    // `OpenApiVersion: 3.0` reads as a number; SAM takes it as '3.0' but refuses a bare `3`.
    const text = typeof version === 'number' ? writtenText(props, 'OpenApiVersion') : version;
    if (typeof text !== 'string' || (typeof version === 'number' && !text.includes('.')))
      throw new TemplateError(
        `${id}: OpenApiVersion must be a string such as '3.0.1'`,
        posOf(props, 'OpenApiVersion'),
      );
    if (!/^[2-3](\.\d)(\.\d)?$/.test(text)) {
      throw new TemplateError(
        `${id}: The OpenApiVersion value must be of the format '3.0.0'.`,
        posOf(props, 'OpenApiVersion'),
      );
    }
  }
  const bmt = props.BinaryMediaTypes;
  return {
    logicalId: id,
    kind,
    pos,
    stageName: located('StageName') ?? { raw: undefined, pos: undefined },
    cors: readCors(id, props),
    auth: readAuth(id, props, resolver),
    gatewayResponses: located('GatewayResponses'),
    binaryMediaTypes: Array.isArray(bmt) ? bmt : [],
    definitionBody: props.DefinitionBody,
    definitionUri: props.DefinitionUri,
    mergeDefinitions: props.MergeDefinitions === true,
    routes: [],
    properties: props,
    condition,
  };
}

function readCors(id: string, props: Record<string, unknown>): CorsModel | undefined {
  const cors = props.Cors;
  if (cors === undefined || cors === null || cors === '' || cors === false) return undefined;
  const pos = posOf(props, 'Cors');
  if (typeof cors === 'string' || isIntrinsic(cors)) {
    return {
      shorthand: true,
      allowOrigin: { raw: cors, pos },
      allowHeaders: undefined,
      allowMethods: undefined,
      maxAge: undefined,
      allowCredentials: undefined,
      pos,
      raw: cors,
    };
  }
  if (!isMap(cors))
    throw new TemplateError(`${id}: invalid value for 'Cors' property: expected a string or a mapping`, pos);
  for (const key of Object.keys(cors)) {
    if (!(CORS_KEYS as readonly string[]).includes(key)) {
      // SAM's words (fixture error_invalid_cors_dict), then what it accepts.
      const near = CORS_KEYS.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
      throw new TemplateError(
        `${id}: Invalid key '${key}' for 'Cors' property; SAM accepts ${CORS_KEYS.join(', ')}${near ? `: did you mean '${near}'?` : ''}`,
        keyPosOf(cors, key),
      );
    }
  }
  const at = (key: string): Located | undefined =>
    cors[key] === undefined ? undefined : { raw: cors[key], pos: posOf(cors, key) };
  return {
    shorthand: false,
    allowOrigin: at('AllowOrigin'),
    allowHeaders: at('AllowHeaders'),
    allowMethods: at('AllowMethods'),
    maxAge: at('MaxAge'),
    allowCredentials: at('AllowCredentials'),
    pos,
    raw: cors,
  };
}

function readAuth(id: string, props: Record<string, unknown>, resolver: Resolver): AuthModel | undefined {
  const auth = props.Auth;
  if (auth === undefined || auth === null) return undefined;
  const pos = posOf(props, 'Auth');
  if (!isMap(auth))
    throw new TemplateError(`${id}: invalid value for 'Auth' property: expected a mapping`, pos);
  for (const key of Object.keys(auth)) {
    if (!AUTH_KEYS.includes(key))
      throw new TemplateError(
        `${id}: invalid value for 'Auth' property: unknown key '${key}'`,
        keyPosOf(auth, key),
      );
  }
  const at = (key: string): Located | undefined =>
    auth[key] === undefined ? undefined : { raw: auth[key], pos: posOf(auth, key) };
  const usagePlan = auth.UsagePlan;
  if (usagePlan !== undefined && usagePlan !== null) {
    if (!isMap(usagePlan))
      throw new TemplateError(`${id}: 'UsagePlan' must be a dictionary`, posOf(auth, 'UsagePlan'));
    for (const key of Object.keys(usagePlan)) {
      if (!USAGE_PLAN_KEYS.includes(key))
        throw new TemplateError(`${id}: Invalid property '${key}' for 'UsagePlan'`, keyPosOf(usagePlan, key));
    }
  }
  if (auth.ResourcePolicy !== undefined && auth.ResourcePolicy !== null && !isMap(auth.ResourcePolicy)) {
    throw new TemplateError(
      `${id}: ResourcePolicy must be a map (ResourcePolicyStatement).`,
      posOf(auth, 'ResourcePolicy'),
    );
  }
  const authorizers: Record<string, AuthorizerModel> = {};
  const defs = auth.Authorizers;
  if (defs !== undefined && defs !== null) {
    if (!isMap(defs))
      throw new TemplateError(`${id}: Auth.Authorizers must be a mapping`, posOf(auth, 'Authorizers'));
    for (const [name, def] of Object.entries(defs)) {
      authorizers[name] = readAuthorizer(id, name, def, posOf(defs, name), resolver);
    }
  }
  return {
    apiKeyRequired: at('ApiKeyRequired'),
    addApiKeyRequiredToCorsPreflight: at('AddApiKeyRequiredToCorsPreflight'),
    defaultAuthorizer: at('DefaultAuthorizer'),
    addDefaultAuthorizerToCorsPreflight: at('AddDefaultAuthorizerToCorsPreflight'),
    authorizers,
    usagePlan: auth.UsagePlan,
    pos,
    raw: auth,
  };
}

function readAuthorizer(
  apiId: string,
  name: string,
  def: unknown,
  pos: AuthorizerModel['pos'],
  resolver: Resolver,
): AuthorizerModel {
  if (!isMap(def)) throw new TemplateError(`${apiId}: authorizer ${name} must be a mapping`, pos);
  if (def.Identity !== undefined && !isMap(def.Identity)) {
    throw new TemplateError(
      `${apiId}: Auth.Authorizers.${name}.Identity must be a mapping`,
      posOf(def, 'Identity'),
    );
  }
  const identity = isMap(def.Identity) ? def.Identity : {};
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.map((x) => String(resolver.resolve(x))) : [];
  const isCognito = def.UserPoolArn !== undefined;
  const payload = String(resolver.resolve(def.FunctionPayloadType) ?? 'TOKEN').toUpperCase();
  const type: AuthorizerModel['type'] = isCognito
    ? 'COGNITO_USER_POOLS'
    : def.FunctionArn !== undefined
      ? payload === 'REQUEST'
        ? 'REQUEST'
        : 'TOKEN'
      : 'AWS_IAM';
  const headers =
    type === 'REQUEST'
      ? strings(identity.Headers)
      : [typeof identity.Header === 'string' ? identity.Header : 'Authorization'];
  const reauth = resolver.resolve(identity.ReauthorizeEvery);
  return {
    name,
    type,
    functionId: refTarget(def.FunctionArn) ?? getAttTarget(def.FunctionArn),
    functionArn: def.FunctionArn,
    identity: {
      headers,
      queryStrings: type === 'REQUEST' ? strings(identity.QueryStrings) : [],
      stageVariables: type === 'REQUEST' ? strings(identity.StageVariables) : [],
      context: type === 'REQUEST' ? strings(identity.Context) : [],
      reauthorizeEvery:
        typeof reauth === 'number' ? reauth : reauth === undefined ? undefined : Number(reauth),
      validationExpression:
        typeof identity.ValidationExpression === 'string' ? identity.ValidationExpression : undefined,
    },
    pos,
  };
}

function readFunction(
  id: string,
  props: Record<string, unknown>,
  pos: FunctionModel['pos'],
  res: Record<string, unknown>,
  resolver: Resolver,
): FunctionModel {
  const str = (v: unknown): string | undefined => {
    const r = resolver.resolveString(v);
    return typeof r === 'string' ? r : undefined;
  };
  const num = (v: unknown, dflt: number): number => {
    const r = resolver.resolve(v);
    const n = typeof r === 'number' ? r : typeof r === 'string' ? Number(r) : Number.NaN;
    return Number.isFinite(n) ? n : dflt;
  };
  const environment: Record<string, string> = {};
  const vars = isMap(props.Environment) ? props.Environment.Variables : undefined;
  if (isMap(vars)) {
    for (const [k, v] of Object.entries(vars)) {
      const r = resolver.resolveString(v);
      if (r !== undefined) environment[k] = String(r);
    }
  }
  const codeUri = props.CodeUri;
  return {
    logicalId: id,
    pos,
    handler: str(props.Handler),
    runtime: str(props.Runtime),
    codeUri:
      typeof codeUri === 'object' && codeUri !== null && !isIntrinsic(codeUri) ? undefined : str(codeUri),
    inlineCode: str(props.InlineCode),
    environment,
    timeout: num(props.Timeout, 3),
    memorySize: num(props.MemorySize, 128),
    condition: typeof res.Condition === 'string' ? res.Condition : undefined,
    properties: props,
  };
}

function readRoute(
  functionId: string,
  eventId: string,
  type: string,
  props: Record<string, unknown>,
  pos: RouteModel['pos'],
): RouteModel {
  const path = props.Path;
  const method = props.Method;
  if (type === 'Api') {
    if (typeof path !== 'string') {
      throw new TemplateError(
        `event ${eventId} of ${functionId}: Path is required and must be a string`,
        posOf(props, 'Path') ?? pos,
      );
    }
    if (typeof method !== 'string') {
      throw new TemplateError(
        `event ${eventId} of ${functionId}: Method is required and must be a string`,
        posOf(props, 'Method') ?? pos,
      );
    }
    if (!path.startsWith('/'))
      throw new TemplateError(
        `event ${eventId} of ${functionId}: Path must start with '/'`,
        posOf(props, 'Path'),
      );
  }
  if (props.Auth !== undefined && !isMap(props.Auth)) {
    throw new TemplateError(
      `event ${eventId} of ${functionId}: Auth must be a mapping`,
      posOf(props, 'Auth'),
    );
  }
  return {
    apiId: '',
    functionId,
    eventId,
    path: typeof path === 'string' ? path : '$default',
    method: typeof method === 'string' ? method.toLowerCase() : 'any',
    auth: isMap(props.Auth) ? props.Auth : undefined,
    pos,
    pathPos: posOf(props, 'Path') ?? pos,
    methodPos: posOf(props, 'Method') ?? pos,
    properties: props,
  };
}

/** `!Ref X`, `{Ref: X}` or a plain string naming a resource → X. */
export function refTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isMap(value) && typeof value.Ref === 'string' && Object.keys(value).length === 1) return value.Ref;
  return undefined;
}

function getAttTarget(value: unknown): string | undefined {
  if (isMap(value) && Array.isArray(value['Fn::GetAtt']) && typeof value['Fn::GetAtt'][0] === 'string') {
    return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** Levenshtein distance, for "did you mean" (short strings only). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 3;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Symbolic);
}

export { nodePos };

/**
 * Every condition a resource, an output or an `Fn::If` names must be defined (CloudFormation checks
 * this before it creates anything), refused where the name is written.
 */
function checkConditionNames(root: Record<string, unknown>, resolver: Resolver, mayHaveIf: boolean): void {
  const undefinedAt = (name: unknown, parent: unknown, key: string | number): void => {
    if (typeof name !== 'string')
      throw new TemplateError('a Condition must be the name of a condition', posOf(parent, key));
    if (!resolver.hasCondition(name))
      throw new TemplateError(`condition ${name} is not defined in Conditions`, posOf(parent, key));
  };
  for (const section of ['Resources', 'Outputs']) {
    const entries = root[section];
    if (!isMap(entries)) continue;
    for (const entry of Object.values(entries)) {
      if (isMap(entry) && entry.Condition !== undefined) undefinedAt(entry.Condition, entry, 'Condition');
    }
    // Fn::If is written `Fn::If` or `!If`: a template with neither has nothing more to look at.
    const todo: unknown[] = mayHaveIf ? [entries] : [];
    while (todo.length > 0) {
      const v = todo.pop();
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (const item of v) if (item !== null && typeof item === 'object') todo.push(item);
        continue;
      }
      const record = v as Record<string, unknown>;
      const ifArgs = record['Fn::If'];
      if (Array.isArray(ifArgs) && Object.keys(record).length === 1) undefinedAt(ifArgs[0], ifArgs, 0);
      for (const key in record) {
        const child = record[key];
        if (child !== null && typeof child === 'object') todo.push(child);
      }
    }
  }
}

/** CloudFormation's own template checks on Parameters ("Every Default member must be a string"). */
function validateParameters(root: Record<string, unknown>): void {
  const params = root.Parameters;
  if (params === undefined || params === null) return;
  if (!isMap(params)) throw new TemplateError("'Parameters' must be a mapping", posOf(root, 'Parameters'));
  for (const [name, def] of Object.entries(params)) {
    if (!isMap(def))
      throw new TemplateError(`parameter ${name} must be a mapping with a Type`, posOf(params, name));
    const d = def.Default;
    if (d !== undefined && d !== null && typeof d === 'object') {
      throw new TemplateError(
        `parameter ${name}: every Default member must be a string (CloudFormation template format error)`,
        posOf(def, 'Default'),
      );
    }
  }
}
