/**
 * A REST API written as CloudFormation resources (AWS::ApiGateway::Resource, ::Method, ::Authorizer,
 * ::GatewayResponse) instead of an OpenAPI body, read into the OpenAPI shape API Gateway would export
 * for it, so that one reader (deployment.ts readBody) serves both. Properties follow the CloudFormation
 * resource reference: a Method's Integration (Type, Uri, IntegrationHttpMethod, ConnectionType,
 * IntegrationResponses with SelectionPattern, StatusCode, ResponseParameters, ResponseTemplates);
 * an integration response without SelectionPattern is the default one.
 */
import { isMap, refTarget } from '../template/load.js';
import type { TemplateModel } from '../template/model.js';
import { nodePos, posOf, setNodePos, setPos } from '../template/parse.js';
import type { DeployedAuthorizer } from './model.js';
import { ANY_METHOD, GATEWAY_RESPONSES, INTEGRATION } from './swagger.js';

type Doc = Record<string, unknown>;

function getAtt(value: unknown): [string, string] | undefined {
  if (!isMap(value)) return undefined;
  const g = value['Fn::GetAtt'];
  if (Array.isArray(g) && typeof g[0] === 'string' && typeof g[1] === 'string') return [g[0], g[1]];
  return undefined;
}

/** The resources of one RestApi: methods by path, authorizers, gateway responses; undefined when it has no methods. */
export function bodyFromMethods(
  model: TemplateModel,
  apiId: string,
): { body: Doc; authorizers: Record<string, DeployedAuthorizer>; stageName: string | undefined } | undefined {
  const resources = model.root.Resources as Record<string, Record<string, unknown>>;
  const belongs = (props: Record<string, unknown>) => refTarget(props.RestApiId) === apiId;
  const propsOf = (r: Record<string, unknown>) => (isMap(r.Properties) ? r.Properties : {});

  // Paths of AWS::ApiGateway::Resource, following ParentId up to the root.
  const pathOf = new Map<string, string | null>();
  const resolvePath = (ref: unknown, depth = 0): string | undefined => {
    const att = getAtt(ref);
    if (att && att[0] === apiId && att[1] === 'RootResourceId') return '/';
    const id = refTarget(ref);
    if (id === undefined || depth > 64) return undefined;
    if (pathOf.has(id)) return pathOf.get(id) ?? undefined;
    const r = resources[id];
    if (!isMap(r) || r.Type !== 'AWS::ApiGateway::Resource') return undefined;
    const p = propsOf(r);
    pathOf.set(id, null);
    const parent = resolvePath(p.ParentId, depth + 1);
    const part = model.resolver.resolveString(p.PathPart);
    const path =
      parent === undefined || typeof part !== 'string'
        ? undefined
        : `${parent === '/' ? '' : parent}/${part}`;
    pathOf.set(id, path ?? null);
    return path;
  };

  const paths: Doc = {};
  setNodePos(paths, posOf(resources, apiId));
  let methods = 0;
  const authorizers: Record<string, DeployedAuthorizer> = {};
  const gatewayResponses: Doc = {};
  let stageName: string | undefined;
  for (const [id, r] of Object.entries(resources)) {
    if (!isMap(r)) continue;
    const p = propsOf(r);
    if (!belongs(p)) continue;
    if (
      r.Condition !== undefined &&
      typeof r.Condition === 'string' &&
      model.resolver.condition(r.Condition) === false
    )
      continue;
    switch (r.Type) {
      case 'AWS::ApiGateway::Method': {
        const path = resolvePath(p.ResourceId);
        const verb = model.resolver.resolveString(p.HttpMethod);
        if (path === undefined || typeof verb !== 'string') break;
        const key = verb.toUpperCase() === 'ANY' ? ANY_METHOD : verb.toLowerCase();
        if (!isMap(paths[path])) paths[path] = {};
        const item = paths[path] as Doc;
        const def = methodDef(model, p);
        item[key] = def;
        setPos(item, key, posOf(resources, id) ?? nodePos(r) ?? { file: model.file, line: 1, col: 1 });
        methods++;
        break;
      }
      case 'AWS::ApiGateway::Authorizer': {
        const type = String(model.resolver.resolve(p.Type) ?? 'TOKEN').toUpperCase();
        const source = String(
          model.resolver.resolve(p.IdentitySource) ?? 'method.request.header.Authorization',
        );
        const headers = source
          .split(',')
          .map((s) => /^method\.request\.header\.(.+)$/.exec(s.trim())?.[1])
          .filter((h): h is string => h !== undefined);
        const queries = source
          .split(',')
          .map((s) => /^method\.request\.querystring\.(.+)$/.exec(s.trim())?.[1])
          .filter((h): h is string => h !== undefined);
        const ttl = Number(model.resolver.resolve(p.AuthorizerResultTtlInSeconds) ?? 300);
        authorizers[id] = {
          name: id,
          type:
            type === 'REQUEST' ? 'REQUEST' : type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'TOKEN',
          functionId: functionIn(p.AuthorizerUri),
          identityHeaders: headers.length > 0 || type === 'REQUEST' ? headers : ['Authorization'],
          identityQueryStrings: queries,
          ttlSeconds: Number.isFinite(ttl) ? ttl : 300,
          pos: posOf(resources, id),
        };
        break;
      }
      case 'AWS::ApiGateway::GatewayResponse': {
        const type = model.resolver.resolveString(p.ResponseType);
        if (typeof type !== 'string') break;
        const g: Doc = {
          responseParameters: isMap(p.ResponseParameters) ? p.ResponseParameters : {},
          responseTemplates: isMap(p.ResponseTemplates) ? p.ResponseTemplates : {},
        };
        if (p.StatusCode !== undefined) g.statusCode = model.resolver.resolve(p.StatusCode);
        setNodePos(g, posOf(resources, id));
        gatewayResponses[type] = g;
        break;
      }
      case 'AWS::ApiGateway::Stage':
      case 'AWS::ApiGateway::Deployment': {
        const s = model.resolver.resolveString(p.StageName);
        if (typeof s === 'string' && stageName === undefined) stageName = s;
        break;
      }
      default:
        break;
    }
  }
  if (methods === 0) return undefined;
  const body: Doc = { swagger: '2.0', paths };
  if (Object.keys(gatewayResponses).length > 0) body[GATEWAY_RESPONSES] = gatewayResponses;
  return { body, authorizers, stageName };
}

/** A Method's properties as the OpenAPI operation API Gateway would export. */
function methodDef(model: TemplateModel, p: Record<string, unknown>): Doc {
  const def: Doc = {};
  const integration = isMap(p.Integration) ? p.Integration : undefined;
  if (integration) {
    const x: Doc = {
      type: String(model.resolver.resolve(integration.Type) ?? 'MOCK').toLowerCase(),
      uri: integration.Uri,
      httpMethod: integration.IntegrationHttpMethod,
      connectionType: integration.ConnectionType,
    };
    setPos(
      x,
      'uri',
      posOf(integration, 'Uri') ?? nodePos(integration) ?? { file: model.file, line: 1, col: 1 },
    );
    const responses: Doc = {};
    const list = Array.isArray(integration.IntegrationResponses) ? integration.IntegrationResponses : [];
    for (const ir of list) {
      if (!isMap(ir)) continue;
      // CloudFormation reads a String property written as a number as its text: `SelectionPattern: 403`
      // is the pattern "403", not the default response (serverless-patterns apigw-rest-api-batch-sam).
      const resolved = model.resolver.resolve(ir.SelectionPattern);
      const pattern = typeof resolved === 'number' ? String(resolved) : resolved;
      const key = typeof pattern === 'string' && pattern !== '' ? pattern : 'default';
      responses[key] = {
        statusCode: ir.StatusCode,
        responseParameters: isMap(ir.ResponseParameters) ? ir.ResponseParameters : {},
        responseTemplates: isMap(ir.ResponseTemplates) ? ir.ResponseTemplates : {},
      };
      const at = nodePos(ir);
      if (at) setPos(responses, key, at);
    }
    x.responses = responses;
    def[INTEGRATION] = x;
  }
  const security: Doc[] = [];
  const auth = String(model.resolver.resolve(p.AuthorizationType) ?? 'NONE').toUpperCase();
  const authorizer = refTarget(p.AuthorizerId);
  if (auth === 'AWS_IAM') security.push({ AWS_IAM: [] });
  else if ((auth === 'CUSTOM' || auth === 'COGNITO_USER_POOLS') && authorizer)
    security.push({ [authorizer]: [] });
  const key = model.resolver.resolve(p.ApiKeyRequired);
  if (key === true || key === 'true') security.push({ api_key: [] });
  if (security.length > 0) def.security = security;
  return def;
}

/** The function an authorizer's URI invokes (`…/functions/${Fn.Arn}/invocations`, Fn::GetAtt in Fn::Join). */
function functionIn(uri: unknown): string | undefined {
  const text = isMap(uri) ? JSON.stringify(uri) : typeof uri === 'string' ? uri : '';
  const m =
    /functions\/\$\{([A-Za-z0-9]+)(?:\.Arn)?\}/.exec(text) ??
    /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(text);
  return m?.[1];
}
