// crossgate/lambda: CORS for API Gateway REST Lambda proxy handlers. Zero dependencies.
export { type CorsEvent, corsHeaders, isPreflight, mergeCors, requestOrigin } from './headers.js';
export { type CorsOptions, type CorsPolicy, corsPolicy } from './policy.js';
export { type CorsHandler, serverError, withCors } from './with-cors.js';
