import { createGateway, type GatewayOptions } from '../../src/gateway/gateway.js';
import type { GatewayRequest, GatewayResponse, InvokeOutcome } from '../../src/gateway/types.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';

export type Handler = (
  event: Record<string, unknown>,
  functionId: string,
) => InvokeOutcome | Promise<InvokeOutcome>;

export const ok = (value: unknown): InvokeOutcome => ({ ok: true, value });

/** A gateway over an inline template, with handlers as plain functions (no runtime, no sockets). */
export function gatewayFor(
  template: string,
  handler: Handler = () => ok({ statusCode: 200, body: 'hi' }),
  options: Partial<GatewayOptions> = {},
) {
  const model = loadTemplate(template, 't.yaml');
  const deployment = buildDeployment(model, { evaluateConditions: true });
  const events: Array<Record<string, unknown>> = [];
  const timeouts: number[] = [];
  const waitLimits: Array<number | undefined> = [];
  const gateway = createGateway(deployment, {
    invoke: async (functionId, event, _requestId, timeoutMs, waitLimitMs) => {
      events.push(event as Record<string, unknown>);
      timeouts.push(timeoutMs);
      waitLimits.push(waitLimitMs);
      return handler(event as Record<string, unknown>, functionId);
    },
    ...options,
  });
  const send = (
    method: string,
    url: string,
    headers: Array<[string, string]> = [],
    body?: string,
  ): Promise<GatewayResponse> => {
    const q = url.indexOf('?');
    const req: GatewayRequest = {
      method,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      headers,
      body: body === undefined ? undefined : new TextEncoder().encode(body),
      sourceIp: '127.0.0.1',
      domainName: '127.0.0.1:3000',
    };
    return gateway.handle(req);
  };
  return { gateway, send, events, timeouts, waitLimits, deployment };
}

export function header(res: GatewayResponse, name: string): string | undefined {
  return res.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

export function bodyText(res: GatewayResponse): string {
  return typeof res.body === 'string' ? res.body : new TextDecoder().decode(res.body);
}

/** A SAM template: one Api resource with the given properties, one function with the given events. */
export function samTemplate(apiProps: string, events: string, extra = ''): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
${apiProps}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
${events}
${extra}`;
}

export function event(name: string, path: string, method: string, more = ''): string {
  return `        ${name}:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: ${path}
            Method: ${method}
${more}`;
}
