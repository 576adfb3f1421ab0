// crossgate/lambda: CORS for Lambda proxy handlers behind API Gateway (REST and HTTP APIs) and Function URLs. Zero dependencies.
export { type CorsEvent, corsHeaders, isPreflight, mergeCors, requestOrigin } from './headers.js';
export { type CorsOptions, type CorsPolicy, corsPolicy } from './policy.js';
export { type CorsHandler, serverError, withCors } from './with-cors.js';
export { type CorsHandlerV2, structuredResult, withCorsV2 } from './with-cors-v2.js';
