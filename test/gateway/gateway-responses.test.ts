/**
 * Gateway responses (AWS docs: "Gateway response types for API Gateway"; SAM fixture
 * api_with_gateway_responses_all): API Gateway's own 4XX/5XX answers carry CORS headers exactly when
 * the template's GatewayResponses ask for them.
 */
import { describe, expect, it } from 'vitest';
import { bodyText, event, gatewayFor, header, ok, samTemplate } from './helpers.js';

const withResponses = (responses: string) =>
  samTemplate(
    `      Auth:\n        ApiKeyRequired: true\n      GatewayResponses:\n${responses}`,
    event('Get', '/items', 'get'),
  );

const corsOn = (type: string, extra = '') => `        ${type}:
${extra}          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://app.example.com'"
`;

describe('gateway responses', () => {
  it('without GatewayResponses a 403 carries no Access-Control-Allow-Origin (the browser hides the real error)', async () => {
    const { send } = gatewayFor(
      samTemplate('      Auth:\n        ApiKeyRequired: true', event('Get', '/items', 'get')),
    );
    const res = await send('GET', '/items', [['Origin', 'https://app.example.com']]);
    expect(res.status).toBe(403);
    expect(header(res, 'Access-Control-Allow-Origin')).toBeUndefined();
  });
  it('DEFAULT_4XX headers apply to the missing-key 403 and to Missing Authentication Token', async () => {
    const { send } = gatewayFor(withResponses(corsOn('DEFAULT_4XX')));
    for (const path of ['/items', '/nowhere']) {
      const res = await send('GET', path);
      expect(res.status).toBe(403);
      expect(header(res, 'Access-Control-Allow-Origin')).toBe('https://app.example.com');
    }
  });
  it('DEFAULT_4XX does not touch 5XX answers; DEFAULT_5XX covers the Lambda 502', async () => {
    const g4 = gatewayFor(withResponses(corsOn('DEFAULT_4XX')), () => ok('not an object'), {
      apiKeys: [{ id: 'k', value: 'k', source: 't' }],
    });
    const r4 = await g4.send('GET', '/items', [['x-api-key', 'k']]);
    expect(r4.status).toBe(502);
    expect(header(r4, 'Access-Control-Allow-Origin')).toBeUndefined();
    const g5 = gatewayFor(withResponses(corsOn('DEFAULT_5XX')), () => ok('not an object'), {
      apiKeys: [{ id: 'k', value: 'k', source: 't' }],
    });
    expect(header(await g5.send('GET', '/items', [['x-api-key', 'k']]), 'Access-Control-Allow-Origin')).toBe(
      'https://app.example.com',
    );
  });
  it('a specific type wins over DEFAULT_4XX (INVALID_API_KEY with its own status and template)', async () => {
    const { send } = gatewayFor(
      withResponses(
        corsOn('DEFAULT_4XX') +
          `        INVALID_API_KEY:
          StatusCode: 401
          ResponseTemplates:
            application/json: '{"error": $context.error.messageString, "type": "$context.error.responseType"}'
`,
      ),
    );
    const res = await send('GET', '/items');
    expect(res.status).toBe(401);
    expect(bodyText(res)).toBe('{"error": "Forbidden", "type": "INVALID_API_KEY"}');
    // The customised type does not inherit DEFAULT_4XX's headers.
    expect(header(res, 'Access-Control-Allow-Origin')).toBeUndefined();
  });
  it('a StatusCode on DEFAULT_4XX changes the status of every 4XX type left uncustomised', async () => {
    const { send } = gatewayFor(withResponses(corsOn('DEFAULT_4XX', '          StatusCode: 400\n')));
    expect((await send('GET', '/items')).status).toBe(400);
  });
  it('REQUEST_TOO_LARGE keeps API Gateway\'s default answer: customizing it is not supported (AWS docs: "Amazon API Gateway important notes", REST APIs)', async () => {
    const g = gatewayFor(
      withResponses(
        `        REQUEST_TOO_LARGE:
          StatusCode: 400
          ResponseTemplates:
            application/json: '{"custom": true}'
`,
      ),
    );
    const res = await g.gateway.handle({
      method: 'GET',
      path: '/items',
      query: '',
      headers: [],
      body: undefined,
      bodyTooLarge: 20 * 1024 * 1024,
      sourceIp: '127.0.0.1',
      domainName: '127.0.0.1:3000',
    });
    expect(res.status).toBe(413);
    expect(bodyText(res)).toBe('{"message":"Request Too Long"}');
    expect(header(res, 'x-amzn-ErrorType')).toBe('RequestTooLargeException');
    expect(g.events).toHaveLength(0);
  });
});
