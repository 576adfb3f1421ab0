/** What every kind of API does to an incoming request before its handler sees it. */
import type { GatewayRequest, HeaderList } from './types.js';

/** API Gateway's payload limit (AWS docs: "Amazon API Gateway quotas": 10 MB, REST and HTTP APIs). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** The platform adds these before the function sees the request (AWS docs: proxy integration input). */
export function withForwardedHeaders(req: GatewayRequest, requestId: string): HeaderList {
  const out = req.headers.slice();
  const has = (n: string) => out.some(([k]) => k.toLowerCase() === n);
  if (!has('x-forwarded-for')) out.push(['X-Forwarded-For', req.sourceIp]);
  if (!has('x-forwarded-proto')) out.push(['X-Forwarded-Proto', 'http']);
  if (!has('x-forwarded-port')) out.push(['X-Forwarded-Port', req.domainName.split(':')[1] ?? '80']);
  if (!has('x-amzn-trace-id'))
    out.push([
      'X-Amzn-Trace-Id',
      `Root=1-${requestId.slice(0, 8)}-${requestId.replaceAll('-', '').slice(8, 32)}`,
    ]);
  return out;
}

/**
 * `requestContext.authorizer` of a request that IAM authorized (HTTP APIs' AWS_IAM routes, Function
 * URLs with AuthType AWS_IAM): no signature is verified locally, so the caller is a placeholder.
 */
export const LOCAL_IAM_AUTHORIZER = Object.freeze({
  iam: Object.freeze({
    accessKey: 'LOCAL',
    accountId: '123456789012',
    callerId: 'LOCAL',
    userArn: null,
    userId: 'LOCAL',
  }),
});
