/**
 * The ApiModel: what the user wrote, typed, with positions. It says nothing about what API Gateway
 * will hold after deploy; that is the deployment model's job (src/sam/).
 */
import type { Resolver } from './intrinsics.js';
import type { DuplicateKey } from './parse.js';
import type { Pos } from './position.js';

/** A value as written (`raw`, intrinsics intact, as SAM copies it) with where it was written. */
export interface Located<T = unknown> {
  raw: T;
  pos: Pos | undefined;
}

export interface FunctionModel {
  logicalId: string;
  pos: Pos | undefined;
  handler: string | undefined;
  runtime: string | undefined;
  /** A local folder (relative to the template) when it can be known; s3:// and intrinsics stay as written. */
  codeUri: string | undefined;
  /** Inline code (`InlineCode`), when the function has no CodeUri. */
  inlineCode: string | undefined;
  environment: Record<string, string>;
  /** Seconds; SAM's default is 3. */
  timeout: number;
  /** MB; SAM's default is 128. */
  memorySize: number;
  condition: string | undefined;
  /** All properties after Globals, for anything the model does not type. */
  properties: Record<string, unknown>;
}

export interface RouteModel {
  /** The API this event belongs to (logical id), `ServerlessRestApi` for implicit APIs. */
  apiId: string;
  functionId: string;
  eventId: string;
  path: string;
  /** Lower case as SAM normalises it; `any` for ANY. */
  method: string;
  /** The event's own `Auth` (Authorizer, ApiKeyRequired, AuthorizationScopes, …), raw. */
  auth: Record<string, unknown> | undefined;
  pos: Pos | undefined;
  pathPos: Pos | undefined;
  methodPos: Pos | undefined;
  /** The event, raw. */
  properties: Record<string, unknown>;
}

export interface CorsModel {
  /** `Cors: "'https://a.example'"` — only AllowOrigin is given. */
  shorthand: boolean;
  allowOrigin: Located | undefined;
  allowHeaders: Located | undefined;
  allowMethods: Located | undefined;
  maxAge: Located | undefined;
  allowCredentials: Located | undefined;
  pos: Pos | undefined;
  raw: unknown;
}

export interface AuthorizerModel {
  name: string;
  /** TOKEN and REQUEST are Lambda authorizers; COGNITO_USER_POOLS; AWS_IAM. */
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS' | 'AWS_IAM';
  /** The function that implements a Lambda authorizer, when it is in this template. */
  functionId: string | undefined;
  functionArn: unknown;
  /** Where the identity comes from: header names (lower-cased on the wire), query strings, … */
  identity: {
    headers: string[];
    queryStrings: string[];
    stageVariables: string[];
    context: string[];
    reauthorizeEvery: number | undefined;
    validationExpression: string | undefined;
  };
  pos: Pos | undefined;
}

export interface AuthModel {
  apiKeyRequired: Located<unknown> | undefined;
  addApiKeyRequiredToCorsPreflight: Located<unknown> | undefined;
  defaultAuthorizer: Located<unknown> | undefined;
  addDefaultAuthorizerToCorsPreflight: Located<unknown> | undefined;
  authorizers: Record<string, AuthorizerModel>;
  usagePlan: unknown;
  pos: Pos | undefined;
  raw: Record<string, unknown>;
}

export type ApiKind = 'serverless' | 'implicit' | 'cloudformation';

export interface ApiModel {
  logicalId: string;
  kind: ApiKind;
  pos: Pos | undefined;
  stageName: Located<unknown>;
  cors: CorsModel | undefined;
  auth: AuthModel | undefined;
  gatewayResponses: Located<unknown> | undefined;
  binaryMediaTypes: unknown[];
  definitionBody: unknown;
  definitionUri: unknown;
  mergeDefinitions: boolean;
  /** The routes SAM function events add to this API, in template order. */
  routes: RouteModel[];
  /** All properties after Globals. */
  properties: Record<string, unknown>;
  condition: string | undefined;
}

/** An HTTP API (API Gateway v2): routes only; its CORS model is not modelled yet. */
export interface HttpApiModel {
  logicalId: string;
  pos: Pos | undefined;
  routes: RouteModel[];
  note: string;
}

export interface ApiKeyModel {
  logicalId: string;
  /** The key's value when the template sets it (`Value`); API Gateway generates one otherwise. */
  value: string | undefined;
  enabled: boolean;
  pos: Pos | undefined;
}

export interface TemplateNote {
  pos: Pos | undefined;
  message: string;
}

export interface TemplateModel {
  file: string;
  /** Folder of the template: CodeUri is relative to it. */
  baseDir: string;
  source: string;
  root: Record<string, unknown>;
  resolver: Resolver;
  isSam: boolean;
  apis: ApiModel[];
  httpApis: HttpApiModel[];
  functions: Record<string, FunctionModel>;
  apiKeys: ApiKeyModel[];
  /** Things crossgate read but does not model, said plainly. */
  notes: TemplateNote[];
  /**
   * Keys written twice or more in one mapping, in any file read for this template: sam deploy keeps
   * the last value (PyYAML), check warns (CG130).
   */
  duplicateKeys: DuplicateKey[];
}
