/**
 * The backends of HTTP and HTTP_PROXY integrations, as `crossgate serve` calls them: the request is
 * forwarded when the integration's URL is known before deploy and answers (a backend running on this
 * machine, a public URL); a URL known only after deploy (a load balancer's DNS name, a VPC link) or a
 * backend that does not answer gets the 500 API Gateway gives for an unreachable endpoint, and the
 * request log says why. AWS service integrations are never called: nothing offline can reach them,
 * so they answer as on success (src/gateway/integration.ts, offlineBackend).
 */
import { type CallBackend, offlineBackend } from '../gateway/integration.js';
import type { HeaderList } from '../gateway/types.js';

export const forwardingBackend: CallBackend = async (call) => {
  if (call.kind === 'aws') return offlineBackend(call);
  if (call.url === undefined)
    return {
      ok: false,
      kind: 'no-url',
      message: `the backend URL is known only after deploy (${call.target.connectionType === 'VPC_LINK' ? 'through a VPC link' : 'computed by the stack'}), so serve cannot call it`,
    };
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    return { ok: false, kind: 'unreachable', message: `Invalid endpoint address: ${call.url}` };
  }
  const headers = new Headers();
  for (const [n, v] of call.headers) {
    try {
      headers.append(n, v);
    } catch {
      // A header fetch refuses to send (connection, keep-alive…) is one API Gateway drops too.
    }
  }
  try {
    const res = await fetch(url, {
      method: call.httpMethod,
      headers,
      body: call.body && call.httpMethod !== 'GET' && call.httpMethod !== 'HEAD' ? call.body : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    const out: HeaderList = [];
    res.headers.forEach((v, n) => {
      out.push([n, v]);
    });
    return { ok: true, status: res.status, headers: out, body: new Uint8Array(await res.arrayBuffer()) };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return {
        ok: false,
        kind: 'timeout',
        message: `${call.url} did not answer within ${call.timeoutMs / 1000} s`,
      };
    return {
      ok: false,
      kind: 'unreachable',
      message: `${call.url} could not be reached (${e.cause?.code ?? e.message})`,
    };
  }
};
