/**
 * API Gateway's own answers (AWS docs: "Gateway response types for API Gateway"): each type's default
 * status, message and error type, and how the template's `GatewayResponses` override them — a type
 * the template does not set falls back to DEFAULT_4XX or DEFAULT_5XX (status, headers, templates),
 * and a status code set on DEFAULT_4XX/5XX replaces the status of every type of its class.
 */
import type { DeployedGatewayResponse } from '../sam/model.js';
import { type RequestReference, requestReference } from './request-reference.js';
import type { HeaderList } from './types.js';

export interface GatewayResponseType {
  status: number;
  /** `$context.error.message`; null where API Gateway sends `{"message": null}`. */
  message: string | null;
  /** The `x-amzn-ErrorType` header. */
  errorType: string;
  /** API Gateway's default template writes `Message` for explicit denies. */
  messageKey?: 'Message';
}

export const GATEWAY_RESPONSE_TYPES: Record<string, GatewayResponseType> = {
  ACCESS_DENIED: {
    status: 403,
    message: 'User is not authorized to access this resource with an explicit deny',
    errorType: 'AccessDeniedException',
    messageKey: 'Message',
  },
  API_CONFIGURATION_ERROR: {
    status: 500,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    status: 500,
    message: null,
    errorType: 'AuthorizerConfigurationException',
  },
  AUTHORIZER_FAILURE: { status: 500, message: null, errorType: 'AuthorizerFailureException' },
  BAD_REQUEST_PARAMETERS: {
    status: 400,
    message: 'Missing required request parameters',
    errorType: 'BadRequestException',
  },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  EXPIRED_TOKEN: {
    status: 403,
    message: 'The security token included in the request is expired',
    errorType: 'ExpiredTokenException',
  },
  INTEGRATION_FAILURE: {
    status: 504,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    message: 'Endpoint request timed out',
    errorType: 'InternalServerErrorException',
  },
  INVALID_API_KEY: { status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: {
    status: 403,
    message: 'The request signature we calculated does not match',
    errorType: 'InvalidSignatureException',
  },
  MISSING_AUTHENTICATION_TOKEN: {
    status: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  },
  QUOTA_EXCEEDED: { status: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: 'RequestTooLargeException' },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Not Found', errorType: 'NotFoundException' },
  THROTTLED: { status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Unsupported Media Type',
    errorType: 'UnsupportedMediaTypeException',
  },
  WAF_FILTERED: { status: 403, message: 'Forbidden', errorType: 'WAFFilteredException' },
  /**
   * Not a gateway response type: the 502 a Lambda proxy integration gives when the function fails or
   * returns a malformed result ("Execution failed due to configuration error: Malformed Lambda proxy
   * response"). DEFAULT_5XX's headers apply to it, which is why CORS on DEFAULT_5XX lets a browser
   * read it.
   */
  LAMBDA_ERROR: { status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
};

/** A gateway response ready to send, minus the per-request parts (request id). */
export interface PreparedGatewayResponse {
  type: string;
  status: number;
  /** Headers from the template's ResponseParameters (static values only; see `dynamic`). */
  headers: HeaderList;
  /** Header expressions that read the request (`method.request.header.Origin`). */
  dynamic: Array<{ name: string } & RequestReference>;
  template: string | undefined;
  errorType: string;
  message: string | null;
  messageKey: string;
  /** The template entry this came from (type and DEFAULT_xXX used), for traces. */
  customizedBy: string | undefined;
}

const DEFAULT_TEMPLATE_KEY = 'application/json';

/** Builds every response type once per API, with the template's overrides applied. */
export function prepareGatewayResponses(
  custom: DeployedGatewayResponse[],
): Map<string, PreparedGatewayResponse> {
  const byType = new Map(custom.map((r) => [r.type, r]));
  const out = new Map<string, PreparedGatewayResponse>();
  for (const [type, def] of Object.entries(GATEWAY_RESPONSE_TYPES)) {
    const fallback = def.status >= 500 ? byType.get('DEFAULT_5XX') : byType.get('DEFAULT_4XX');
    // "Customizing the default gateway response for 413 REQUEST_TOO_LARGE isn't currently supported"
    // (AWS docs: "Amazon API Gateway important notes", REST APIs).
    const own = type === 'LAMBDA_ERROR' || type === 'REQUEST_TOO_LARGE' ? undefined : byType.get(type);
    const source = own ?? fallback;
    let status = def.status;
    if (own?.statusCode !== undefined) status = own.statusCode;
    else if (fallback?.statusCode !== undefined && type !== 'LAMBDA_ERROR') status = fallback.statusCode;
    const headers: HeaderList = [];
    const dynamic: PreparedGatewayResponse['dynamic'] = [];
    for (const h of source?.headers ?? []) {
      if (h.value !== undefined) headers.push([h.name, h.value]);
      else {
        const ref = requestReference(h.expression);
        if (ref) dynamic.push({ name: h.name, ...ref });
      }
    }
    const templates = source?.templates ?? {};
    const template = templates[DEFAULT_TEMPLATE_KEY] ?? Object.values(templates)[0];
    out.set(type, {
      type,
      status,
      headers,
      dynamic,
      template: typeof template === 'string' ? template : undefined,
      errorType: def.errorType,
      message: def.message,
      messageKey: def.messageKey ?? 'message',
      customizedBy: own ? type : fallback ? fallback.type : undefined,
    });
  }
  return out;
}

/** The body: the template's mapping template with `$context` values, or API Gateway's default. */
export function gatewayResponseBody(r: PreparedGatewayResponse, context: { requestId: string }): string {
  const messageString = JSON.stringify(r.message);
  if (r.template === undefined) return `{"${r.messageKey}":${messageString}}`;
  return r.template
    .replaceAll('$context.error.messageString', messageString)
    .replaceAll('$context.error.message', r.message ?? '')
    .replaceAll('$context.error.responseType', r.type)
    .replaceAll('$context.requestId', context.requestId);
}
