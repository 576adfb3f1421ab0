// crossgate's browser model: what Chromium does with a cross-origin fetch(), and why. Pure: no I/O,
// no Node-only APIs. See docs/browser.md.

export * from './cors-check.js';
export * from './engines.js';
export * from './firefox.js';
export * from './messages.js';
export * from './other-browsers.js';
export * from './preflight.js';
export * from './request.js';
export * from './simulate.js';
export type * from './types.js';
export * from './url.js';
export * from './webkit.js';
