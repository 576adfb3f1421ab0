/** The opaque ids API Gateway puts on requests and answers, made cheaply (no random bytes per request). */

/** A stable 10-character API id for a logical id, as execute-api URLs carry one. */
export function pseudoId(logicalId: string, index: number): string {
  let h = 2166136261 ^ index;
  for (const ch of logicalId) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0).toString(36).padStart(10, 'x').slice(0, 10);
}

// A random prefix per process and a counter, so a request costs no random bytes for them (measured:
// getRandomValues per request was a tenth of the gateway's time under load).
const ID_PREFIX = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(6))));
let idCounter = 0;

/** `x-amz-apigw-id` (REST) and `apigw-requestid` (HTTP APIs): base64-looking, ending in `=`. */
export function apigwId(): string {
  idCounter = (idCounter + 1) % 0x1000000;
  return `${ID_PREFIX}${idCounter.toString(36).padStart(7, '0')}=`;
}

export function traceId(now: number): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
