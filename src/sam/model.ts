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
}

export interface Deployment {
  file: string;
  apis: DeployedApi[];
  notes: { pos: Pos | undefined; message: string }[];
}
