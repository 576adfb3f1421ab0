/**
 * The deployment model: what API Gateway holds after `sam deploy`, per REST API. Read from the
 * OpenAPI body SAM generates (or a plain RestApi's inline Body), so the same reader also reads the
 * SAM translator's real output in the conformance test.
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

export interface Deployment {
  file: string;
  /** Text of the other files the deployment was read from (OpenAPI documents), by the name positions carry. */
  sources?: Record<string, string>;
  apis: DeployedApi[];
  notes: { pos: Pos | undefined; message: string }[];
}
