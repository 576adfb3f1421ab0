/**
 * The deployment model: what API Gateway and Lambda hold after `sam deploy`, per REST API, HTTP API
 * and Function URL. Read from the OpenAPI body SAM generates (or a plain RestApi's inline Body), so
 * the same reader also reads the SAM translator's real output in the conformance test.
 */
import type { Pos } from '../template/position.js';

export type IntegrationType = 'aws_proxy' | 'mock' | 'aws' | 'http' | 'http_proxy' | 'none';

/** One header a mock integration or a gateway response sets, as a mapping expression. */
export interface MappedHeader {
  name: string;
  /** The expression as deployed: `'value'`, `method.request.header.Origin`, or an intrinsic (raw). */
  expression: unknown;
  /** The header value API Gateway sends, when the expression is a static literal (`'x'` → `x`). */
  value: string | undefined;
  /** Why API Gateway would refuse this expression at deploy, if it would. */
  invalid: string | undefined;
  /** Where the expression was written in the template. */
  pos: Pos | undefined;
}

/**
 * One integration response of a non-proxy integration (AWS docs: "Set up an integration response in
 * API Gateway"): the backend answer its selection pattern matches becomes this method response.
 */
export interface IntegrationResponse {
  /** The selection pattern as written (the OpenAPI key); `default` matches what no other pattern does. */
  pattern: string;
  statusCode: number;
  /** method.response.header.* mappings, in order. */
  headers: MappedHeader[];
  templates: Record<string, unknown>;
  pos: Pos | undefined;
}

/** Where an http, http_proxy or aws integration sends the request. */
export interface IntegrationTarget {
  /** The integration URI as deployed (an intrinsic stays as written). */
  uri: unknown;
  /** The URI as a string, when it is known before deploy. */
  url: string | undefined;
  /** `INTERNET` or `VPC_LINK`. */
  connectionType: string;
  /** The method API Gateway uses towards the backend (`httpMethod`), when set. */
  httpMethod: string | undefined;
  /** For aws integrations: the AWS service the URI names (`sqs`, `dynamodb`, `states`, …). */
  service: string | undefined;
  pos: Pos | undefined;
}

export interface DeployedMethod {
  /** GET, POST, …, OPTIONS, or ANY. */
  method: string;
  integration: IntegrationType;
  /** The function a Lambda (proxy) integration invokes, when its ARN names one of this template. */
  functionId: string | undefined;
  apiKeyRequired: boolean;
  /** The authorizer guarding the method (`AWS_IAM`, or a name from the API's Authorizers), if any. */
  authorizer: string | undefined;
  authorizationScopes: unknown[];
  /** Made by SAM from the API's `Cors`. */
  corsPreflight: boolean;
  /** For mock integrations: the status and the response headers it maps. */
  mockStatus: number | undefined;
  mockHeaders: MappedHeader[];
  /** For aws, http and mock integrations: the integration responses, in the order written. */
  integrationResponses: IntegrationResponse[];
  /** For http, http_proxy and aws integrations: the backend. */
  target: IntegrationTarget | undefined;
  /** The `Fn::If` condition the method (or its path) sits under, if any. */
  condition: string | undefined;
  /** Where the method came from: the event, the DefinitionBody entry, or the Cors property. */
  pos: Pos | undefined;
  /** The function event that created it (`GetItems`), when one did. */
  eventId: string | undefined;
  /** HTTP API routes: the Lambda event format, `1.0` or `2.0` (an intrinsic stays as written). */
  payloadFormatVersion?: string;
  /** HTTP API routes: the integration timeout (TimeoutInMillis), when set. */
  timeoutMs?: number;
}

export interface DeployedResource {
  path: string;
  methods: DeployedMethod[];
}

export interface DeployedGatewayResponse {
  /** DEFAULT_4XX, MISSING_AUTHENTICATION_TOKEN, … */
  type: string;
  statusCode: number | undefined;
  headers: MappedHeader[];
  templates: Record<string, unknown>;
  pos: Pos | undefined;
}

export interface DeployedAuthorizer {
  name: string;
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS' | 'AWS_IAM';
  functionId: string | undefined;
  identityHeaders: string[];
  identityQueryStrings: string[];
  ttlSeconds: number;
  pos: Pos | undefined;
}

export interface DeployedApi {
  kind?: 'rest';
  logicalId: string;
  stageName: string | undefined;
  resources: DeployedResource[];
  gatewayResponses: DeployedGatewayResponse[];
  authorizers: Record<string, DeployedAuthorizer>;
  binaryMediaTypes: string[];
  /** `HEADER` (x-api-key) or `AUTHORIZER`. */
  apiKeySource: string;
  pos: Pos | undefined;
  /** The OpenAPI document as deployed (for `crossgate deployment --openapi`). */
  body: Record<string, unknown> | undefined;
  /** Things about this API the model leaves out, said plainly. */
  notes: string[];
  /** The file the OpenAPI document was read from, when not the template (DefinitionUri, AWS::Include). */
  definitionFile?: string;
}

/**
 * A CORS configuration API Gateway (HTTP APIs: `x-amazon-apigateway-cors`) or Lambda (Function URLs:
 * `Cors`) applies itself. Lists as deployed; header and method names as written.
 */
export interface DeployedCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number | undefined;
  allowCredentials: boolean;
  /** Where the configuration was written (CorsConfiguration, FunctionUrlConfig.Cors, the body's extension). */
  pos: Pos | undefined;
  /** Where each property, and each item of a list, was written. */
  at: Partial<Record<CorsProperty, Pos | undefined>>;
  items: Partial<Record<CorsListProperty, Array<Pos | undefined>>>;
  /** Why part of it is unknown before deploy (an intrinsic crossgate cannot resolve), if it is. */
  unresolved: string | undefined;
}

export type CorsListProperty = 'allowOrigins' | 'allowMethods' | 'allowHeaders' | 'exposeHeaders';
export type CorsProperty = CorsListProperty | 'maxAge' | 'allowCredentials';

/** An HTTP API authorizer (`components.securitySchemes` with `x-amazon-apigateway-authorizer`). */
export interface DeployedHttpAuthorizer {
  name: string;
  type: 'JWT' | 'REQUEST' | 'AWS_IAM';
  /** Selection expressions: `$request.header.Authorization`, `$request.querystring.token`, … */
  identitySource: string[];
  /** JWT: the `iss` a token must carry, and the `aud`/`client_id` values one of which it must carry. */
  issuer: string | undefined;
  audience: string[];
  /** Lambda (REQUEST) authorizers. */
  functionId: string | undefined;
  payloadFormatVersion: string | undefined;
  simpleResponses: boolean;
  ttlSeconds: number;
  pos: Pos | undefined;
}

/** An AWS::Serverless::HttpApi as deployed (AWS::ApiGatewayV2::Api with its OpenAPI body). */
export interface DeployedHttpApi {
  kind: 'http';
  logicalId: string;
  /** `$default` (served at the root) or a name (`/Prod/…`). */
  stageName: string;
  /** Routes grouped by path; the catch-all route is the path `$default` with method ANY. */
  resources: DeployedResource[];
  cors: DeployedCors | undefined;
  authorizers: Record<string, DeployedHttpAuthorizer>;
  pos: Pos | undefined;
  /** The OpenAPI document as deployed. */
  body: Record<string, unknown> | undefined;
  notes: string[];
}

/** A Lambda Function URL (FunctionUrlConfig → AWS::Lambda::Url). */
export interface DeployedFunctionUrl {
  kind: 'function-url';
  /** `<Function>Url`, the logical id SAM gives the AWS::Lambda::Url. */
  logicalId: string;
  functionId: string;
  /** `NONE` or `AWS_IAM` (or an intrinsic's text). */
  authType: string;
  cors: DeployedCors | undefined;
  invokeMode: string | undefined;
  /** Every path and method reaches the function: one resource `/` with method ANY. */
  resources: DeployedResource[];
  condition: string | undefined;
  pos: Pos | undefined;
  notes: string[];
}

/** Anything a browser can call: a REST API, an HTTP API or a Function URL. */
export type DeployedEndpoint = DeployedApi | DeployedHttpApi | DeployedFunctionUrl;

export interface Deployment {
  file: string;
  /** Text of the other files the deployment was read from (OpenAPI documents), by the name positions carry. */
  sources?: Record<string, string>;
  apis: DeployedApi[];
  httpApis: DeployedHttpApi[];
  functionUrls: DeployedFunctionUrl[];
  notes: { pos: Pos | undefined; message: string }[];
}
