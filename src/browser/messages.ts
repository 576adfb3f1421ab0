// Chromium's console texts for CORS failures, as Chromium 156 prints them (Blink's
// third_party/blink/renderer/platform/loader/cors/cors_error_string.cc), verified byte for byte by
// test/browser/engines.test.ts ("chromium agreement"). Chromium dropped the " If an opaque response serves your needs, set
// the request's mode to 'no-cors'…" hint that older versions appended; these are the current texts.

import type { CorsErrorCode } from './types.js';

export const PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: ";
const VALID_VALUE_HINT = ' Have the server send the header with a valid value.';

/** The text after "has been blocked by CORS policy: " for one error; `hint` is Chromium's failed parameter. */
export function corsReason(code: CorsErrorCode, hint = ''): string {
  switch (code) {
    case 'DisallowedByMode':
      return 'Cross origin requests are not allowed by request mode.';
    case 'WildcardOriginNotAllowed':
    case 'PreflightWildcardOriginNotAllowed':
      return `${code === 'PreflightWildcardOriginNotAllowed' ? PREFLIGHT_PREFIX : ''}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.`;
    case 'MissingAllowOriginHeader':
    case 'PreflightMissingAllowOriginHeader':
      return `${code === 'PreflightMissingAllowOriginHeader' ? PREFLIGHT_PREFIX : ''}No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues':
      return `${code === 'PreflightMultipleAllowOriginValues' ? PREFLIGHT_PREFIX : ''}The 'Access-Control-Allow-Origin' header contains multiple values '${hint}', but only one is allowed.${VALID_VALUE_HINT}`;
    case 'InvalidAllowOriginValue':
    case 'PreflightInvalidAllowOriginValue':
      return `${code === 'PreflightInvalidAllowOriginValue' ? PREFLIGHT_PREFIX : ''}The 'Access-Control-Allow-Origin' header contains the invalid value '${hint}'.${VALID_VALUE_HINT}`;
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch':
      return `${code === 'PreflightAllowOriginMismatch' ? PREFLIGHT_PREFIX : ''}The 'Access-Control-Allow-Origin' header has a value '${hint}' that is not equal to the supplied origin.${VALID_VALUE_HINT}`;
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      return `${code === 'PreflightInvalidAllowCredentials' ? PREFLIGHT_PREFIX : ''}The value of the 'Access-Control-Allow-Credentials' header in the response is '${hint}' which must be 'true' when the request's credentials mode is 'include'.`;
    case 'PreflightInvalidStatus':
      return `${PREFLIGHT_PREFIX}It does not have HTTP ok status.`;
    case 'PreflightDisallowedRedirect':
      return `${PREFLIGHT_PREFIX}Redirect is not allowed for a preflight request.`;
    case 'InvalidAllowMethodsPreflightResponse':
      return 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.';
    case 'InvalidAllowHeadersPreflightResponse':
      return 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.';
    case 'MethodDisallowedByPreflightResponse':
      return `Method ${hint} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case 'HeaderDisallowedByPreflightResponse':
      return `Request header field ${hint} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    case 'RedirectContainsCredentials':
      // Chromium 156 leaves the location out: `Redirect location ''` (measured, whatever the URL).
      return "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.";
    case 'TooManyRedirects':
      // Chromium 156 prints no CORS line for a fetch past the redirect limit (measured); nothing to quote.
      return '';
  }
}

/**
 * The whole console line: "Access to fetch at '<url>' [(redirected from '<first url>') ]from origin
 * '<origin>' has been blocked by CORS policy: <reason>".
 */
export function consoleMessage(url: string, initialUrl: string, origin: string, reason: string): string {
  const redirected = initialUrl !== url ? `(redirected from '${initialUrl}') ` : '';
  return `Access to fetch at '${url}' ${redirected}from origin '${origin}' has been blocked by CORS policy: ${reason}`;
}
