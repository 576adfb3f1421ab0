/** Every rule, in code order. */
import type { Rule } from '../types.js';
import { allowHeadersMissing } from './allow-headers-missing.js';
import { allowMethodsMissing } from './allow-methods-missing.js';
import { browserBlocked } from './browser-blocked.js';
import { corsUnquotedValue } from './cors-unquoted-value.js';
import { duplicateKey } from './duplicate-key.js';
import { gatewayResponsesWithoutCors } from './gateway-responses-without-cors.js';
import { handlerCorsMismatch } from './handler-cors-mismatch.js';
import { handlerMissingCors } from './handler-missing-cors.js';
import { handlerNotFound } from './handler-not-found.js';
import { httpAllowHeadersMissing } from './http-allow-headers-missing.js';
import { httpAllowMethodsMissing } from './http-allow-methods-missing.js';
import { httpHandlerCorsIgnored } from './http-handler-cors-ignored.js';
import { httpMalformedOrigin } from './http-malformed-origin.js';
import { httpMaxAgeOverCap } from './http-max-age-over-cap.js';
import { httpPreflightAuthorizer } from './http-preflight-authorizer.js';
import { httpPreflightUnanswered } from './http-preflight-unanswered.js';
import { httpWildcardOrigin } from './http-wildcard-origin.js';
import { httpWildcardWithCredentials } from './http-wildcard-with-credentials.js';
import { integrationResponseWithoutCors } from './integration-response-without-cors.js';
import { malformedOrigin } from './malformed-origin.js';
import { maxAgeOverCap } from './max-age-over-cap.js';
import { multipleOrigins } from './multiple-origins.js';
import { noCorsIntent } from './no-cors-intent.js';
import { originReflected } from './origin-reflected.js';
import { preflightApiKey } from './preflight-api-key.js';
import { preflightAuthorizer } from './preflight-authorizer.js';
import { preflightGuardedAny } from './preflight-guarded-any.js';
import { preflightMissing } from './preflight-missing.js';
import { reflectedWithoutVary } from './reflected-without-vary.js';
import { restApiCorsExtension } from './rest-api-cors-extension.js';
import { urlHandlerCorsDuplicated } from './url-handler-cors-duplicated.js';
import { wildcardHeadersAuthorization } from './wildcard-headers-authorization.js';
import { wildcardOrigin } from './wildcard-origin.js';
import { wildcardWithCredentials } from './wildcard-with-credentials.js';

export const RULES: Rule[] = [
  corsUnquotedValue,
  preflightApiKey,
  preflightAuthorizer,
  preflightMissing,
  handlerMissingCors,
  handlerCorsMismatch,
  gatewayResponsesWithoutCors,
  wildcardOrigin,
  wildcardWithCredentials,
  multipleOrigins,
  malformedOrigin,
  allowMethodsMissing,
  allowHeadersMissing,
  wildcardHeadersAuthorization,
  maxAgeOverCap,
  reflectedWithoutVary,
  originReflected,
  noCorsIntent,
  handlerNotFound,
  integrationResponseWithoutCors,
  restApiCorsExtension,
  preflightGuardedAny,
  httpWildcardWithCredentials,
  httpAllowHeadersMissing,
  httpAllowMethodsMissing,
  httpMalformedOrigin,
  httpHandlerCorsIgnored,
  urlHandlerCorsDuplicated,
  httpPreflightUnanswered,
  httpMaxAgeOverCap,
  httpWildcardOrigin,
  httpPreflightAuthorizer,
  browserBlocked,
  duplicateKey,
];
