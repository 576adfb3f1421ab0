/** Laws of the gateway model over generated inputs (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readProxyResult, responseHeaderRule } from '../../src/gateway/proxy-result.js';
import { compileRouter, splitPath } from '../../src/gateway/router.js';
import type { DeployedMethod } from '../../src/sam/model.js';

const method = (m: string): DeployedMethod => ({
  method: m,
  integration: 'aws_proxy',
  functionId: 'Fn',
  apiKeyRequired: false,
  authorizer: undefined,
  authorizationScopes: [],
  corsPreflight: false,
  mockStatus: undefined,
  mockHeaders: [],
  integrationResponses: [],
  target: undefined,
  condition: undefined,
  pos: undefined,
  eventId: undefined,
});

const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);

describe('router laws', () => {
  it('a literal path always routes to its own resource, whatever params and greedy siblings exist', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segs) => {
        const literal = `/${segs.join('/')}`;
        const paramPath = `/${segs.slice(0, -1).concat('{id}').join('/')}`;
        const greedy = `/${segs.slice(0, -1).concat('{proxy+}').join('/')}`;
        const router = compileRouter([
          { path: greedy, methods: [method('ANY')] },
          { path: paramPath, methods: [method('GET')] },
          { path: literal, methods: [method('GET')] },
        ]);
        expect(router.match('GET', splitPath(literal))?.resource.path).toBe(literal);
      }),
    );
  });
  it('a {proxy+} resource never matches its parent path', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 0, maxLength: 4 }), (segs) => {
        const router = compileRouter([
          { path: `/${[...segs, '{proxy+}'].join('/')}`, methods: [method('ANY')] },
        ]);
        expect(router.match('GET', segs)).toBeUndefined();
        expect(router.match('GET', [...segs, 'x'])?.pathParameters.proxy).toBe('x');
      }),
    );
  });
});

describe('proxy result laws (AWS docs: Output format of a Lambda function for proxy integration)', () => {
  // Names API Gateway keeps as they are; the ones it drops or remaps have their own table (proxy-result.test.ts).
  const token = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/).filter((n) => responseHeaderRule(n) === 'keep');
  const value = fc.stringMatching(/^[ -~]{0,20}$/);
  it('every header of headers and multiValueHeaders is sent; where both name one, only the multi-value list', () => {
    fc.assert(
      fc.property(
        fc.dictionary(token, value),
        fc.dictionary(token, fc.array(value, { minLength: 1, maxLength: 3 })),
        (single, multi) => {
          const r = readProxyResult({ statusCode: 200, headers: single, multiValueHeaders: multi, body: '' });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const multiNames = new Set(Object.keys(multi).map((n) => n.toLowerCase()));
          const expected: Array<[string, string]> = [];
          for (const [n, vs] of Object.entries(multi)) for (const v of vs) expected.push([n, v]);
          for (const [n, v] of Object.entries(single))
            if (!multiNames.has(n.toLowerCase())) expected.push([n, v]);
          expect(r.headers).toEqual(expected);
        },
      ),
    );
  });
  it('anything that is not an object with an integer statusCode is malformed (502)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.anything())), (v) => {
        expect(readProxyResult(v).ok).toBe(false);
      }),
    );
  });
});
