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
import { malformedOrigin } from './malformed-origin.js';
import { maxAgeOverCap } from './max-age-over-cap.js';
import { multipleOrigins } from './multiple-origins.js';
import { originReflected } from './origin-reflected.js';
import { preflightApiKey } from './preflight-api-key.js';
import { preflightAuthorizer } from './preflight-authorizer.js';
import { preflightMissing } from './preflight-missing.js';
import { reflectedWithoutVary } from './reflected-without-vary.js';
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
  browserBlocked,
  duplicateKey,
];
