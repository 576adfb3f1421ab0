/**
 * crossgate's Lambda Runtime API (src/runtime/runtime-api.ts) against its documented contract, driven over
 * HTTP as a runtime drives it. Sources: AWS Lambda docs, "Using the Lambda runtime API for custom runtimes"
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html: paths, the Lambda-Runtime-* headers, the
 * 6 MB response limit, Lambda-Runtime-Function-Error-Type); the status codes and error bodies as the Runtime
 * Interface Emulator renders them (aws/aws-lambda-runtime-interface-emulator, internal/lambda/rapi/handler
 * and rendering, core/states.go).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MAX_PAYLOAD_BYTES, RuntimeApi, type RuntimeEvent } from '../../src/runtime/runtime-api.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Fn';
let api: RuntimeApi;
let seen: Array<[string, ...unknown[]]>;
let base: string;

beforeEach(async () => {
  seen = [];
  api = await RuntimeApi.listen(ARN, {
    initDone: () => seen.push(['initDone']),
    initError: (type, message) => seen.push(['initError', type, message]),
    response: (id, payload) => seen.push(['response', id, payload.toString()]),
    error: (id, type, message) => seen.push(['error', id, type, message]),
  });
  base = `http://${api.address}/2018-06-01/runtime`;
});
afterEach(() => api.close());

const event = (id: string, extra: Partial<RuntimeEvent> = {}): RuntimeEvent => ({
  id,
  body: JSON.stringify({ path: '/items' }),
  deadlineMs: Date.now() + 3000,
  traceId: undefined,
  ...extra,
});

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The runtime asks for an event, and gets the one delivered. */
async function nextEvent(deliver?: RuntimeEvent) {
  const pending = fetch(`${base}/invocation/next`);
  if (deliver) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    api.deliver(deliver);
  }
  return pending;
}

describe('the Runtime API (AWS Lambda docs: Using the Lambda runtime API for custom runtimes)', () => {
  test('listens on 127.0.0.1 only, on an ephemeral port: AWS_LAMBDA_RUNTIME_API is host:port', () => {
    expect(api.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test('GET /runtime/invocation/next waits for an event (long poll), then answers 200 with the event and the Lambda-Runtime-* headers', async () => {
    const deadline = Date.now() + 3000;
    const trace = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    const res = await nextEvent(
      event('8476a536-e9f4-11e8-9739-2dfe598c3fcd', { deadlineMs: deadline, traceId: trace }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('8476a536-e9f4-11e8-9739-2dfe598c3fcd');
    expect(res.headers.get('lambda-runtime-deadline-ms')).toBe(String(deadline));
    expect(res.headers.get('lambda-runtime-invoked-function-arn')).toBe(ARN);
    expect(res.headers.get('lambda-runtime-trace-id')).toBe(trace);
    // Client-Context and Cognito-Identity come only from the AWS Mobile SDK, never from API Gateway.
    expect(res.headers.get('lambda-runtime-client-context')).toBeNull();
    expect(res.headers.get('lambda-runtime-cognito-identity')).toBeNull();
    expect(await res.json()).toEqual({ path: '/items' });
    // The first /next ends the init phase.
    expect(seen).toEqual([['initDone']]);
  });

  test('POST /runtime/invocation/{id}/response answers 202 {"status":"OK"} and hands the payload on', async () => {
    await nextEvent(event('r1'));
    expect(await post('/invocation/r1/response', '{"statusCode":200}')).toEqual({
      status: 202,
      type: 'application/json',
      text: '{"status":"OK"}\n',
    });
    expect(seen).toContainEqual(['response', 'r1', '{"statusCode":200}']);
  });

  test('a response for another request id is 400 InvalidRequestID', async () => {
    await nextEvent(event('r1'));
    expect(await post('/invocation/other/response', '{}')).toEqual({
      status: 400,
      type: 'application/json',
      text: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n',
    });
  });

  test('a request id that is not valid percent-encoding (/invocation/%E0%A4%A/response) is 400 InvalidRequestID, and the API goes on serving: it used to throw URIError out of the request handler and end crossgate', async () => {
    await nextEvent(event('r1'));
    expect(await post('/invocation/%E0%A4%A/response', '{}')).toMatchObject({
      status: 400,
      text: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n',
    });
    expect((await post('/invocation/r1/response', '{"ok":true}')).status).toBe(202);
    expect(seen).toContainEqual(['response', 'r1', '{"ok":true}']);
  });

  test('a second answer for the same request is 403 InvalidStateTransition', async () => {
    await nextEvent(event('r1'));
    await post('/invocation/r1/response', '{}');
    const again = await post('/invocation/r1/response', '{}');
    expect(again.status).toBe(403);
    expect(JSON.parse(again.text)).toEqual({
      errorMessage:
        'State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
  });

  test('a response over 6 MB (6,291,556 bytes) is 413 RequestEntityTooLarge, and the invocation fails with Function.ResponseSizeTooLarge (Lambda quotas: invocation payload 6 MB)', async () => {
    expect(MAX_PAYLOAD_BYTES).toBe(6_291_556);
    await nextEvent(event('r1'));
    const size = MAX_PAYLOAD_BYTES + 1;
    const res = await post('/invocation/r1/response', new Uint8Array(size).fill(0x61));
    expect(res).toEqual({
      status: 413,
      type: 'application/json',
      text: '{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}\n',
    });
    expect(seen).toContainEqual([
      'error',
      'r1',
      'Function.ResponseSizeTooLarge',
      `Response payload size (${size} bytes) exceeded maximum allowed payload size (6291556 bytes).`,
    ]);
  });

  test('exactly 6,291,556 bytes is accepted', async () => {
    await nextEvent(event('r1'));
    expect((await post('/invocation/r1/response', new Uint8Array(MAX_PAYLOAD_BYTES).fill(0x61))).status).toBe(
      202,
    );
  });

  test("POST /runtime/invocation/{id}/error answers 202; the body's errorType and errorMessage are the invocation's error", async () => {
    await nextEvent(event('r1'));
    const res = await post(
      '/invocation/r1/error',
      JSON.stringify({ errorMessage: 'Error parsing event data.', errorType: 'InvalidEventDataException' }),
      { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' },
    );
    expect(res).toEqual({ status: 202, type: 'application/json', text: '{"status":"OK"}\n' });
    expect(seen).toContainEqual(['error', 'r1', 'InvalidEventDataException', 'Error parsing event data.']);
  });

  test('an error body that is not JSON takes its type from Lambda-Runtime-Function-Error-Type: Runtime.X / Function.X as given, anything else Runtime.Unknown (emulator: GetValidRuntimeOrFunctionErrorType)', async () => {
    await nextEvent(event('r1'));
    await post('/invocation/r1/error', 'it broke', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.Crashed',
    });
    await nextEvent(event('r2'));
    await post('/invocation/r2/error', 'it broke', { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
    await nextEvent(event('r3'));
    await post('/invocation/r3/error', 'it broke', { 'Lambda-Runtime-Function-Error-Type': 'Function.oops' });
    expect(seen.filter(([what]) => what === 'error')).toEqual([
      ['error', 'r1', 'Runtime.Crashed', 'it broke'],
      ['error', 'r2', 'Runtime.Unknown', 'it broke'],
      ['error', 'r3', 'Function.Unknown', 'it broke'],
    ]);
  });

  test('POST /runtime/init/error during init answers 202 and reports the init failure; after init it is 403', async () => {
    const res = await post(
      '/init/error',
      JSON.stringify({ errorMessage: 'Failed to load function.', errorType: 'InvalidFunctionException' }),
      { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' },
    );
    expect(res.status).toBe(202);
    expect(seen).toEqual([['initError', 'InvalidFunctionException', 'Failed to load function.']]);
    // Once init has failed, the runtime gets no event.
    expect((await fetch(`${base}/invocation/next`)).status).toBe(403);
  });

  test('init/error after the first /next is 403 InvalidStateTransition', async () => {
    await nextEvent(event('r1'));
    const res = await post('/init/error', '{}');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).errorType).toBe('InvalidStateTransition');
  });

  test('/next again before answering gets the same event (emulator: RuntimeRunningState.Ready)', async () => {
    await nextEvent(event('r1'));
    const again = await fetch(`${base}/invocation/next`);
    expect(again.headers.get('lambda-runtime-aws-request-id')).toBe('r1');
  });

  test('an answer pipelined with the next /next on one connection is read before the /next', async () => {
    await nextEvent(event('r1'));
    const { connect } = await import('node:net');
    const [host, port] = api.address.split(':');
    const socket = connect(Number(port), host);
    const body = '{"ok":true}';
    socket.write(
      `POST /2018-06-01/runtime/invocation/r1/response HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    const until = async (pattern: RegExp) => {
      for (let waited = 0; !pattern.test(received) && waited < 5000; waited += 5)
        await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await until(/^HTTP\/1\.1 202/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The /next waits for a new event: r1 is not handed out again.
    expect(received).toMatch(/^HTTP\/1\.1 202/);
    expect(received).not.toMatch(/Lambda-Runtime-Aws-Request-Id/i);
    api.deliver(event('r2'));
    await until(/Lambda-Runtime-Aws-Request-Id: r2/i);
    expect(received).toMatch(/Lambda-Runtime-Aws-Request-Id: r2/i);
    socket.destroy();
  });

  test('other paths are 404, other methods 405', async () => {
    expect((await fetch(`${base}/invocation/next`, { method: 'POST', body: '' })).status).toBe(405);
    expect((await fetch(`http://${api.address}/2018-06-01/runtime/nothing`)).status).toBe(404);
    expect((await fetch(`http://${api.address}/`)).status).toBe(404);
  });

  test('an event taken back before the runtime asked for it is not handed out', async () => {
    api.deliver(event('r1'));
    expect(api.takeBack('r1')).toBe(true);
    const pending = fetch(`${base}/invocation/next`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    api.deliver(event('r2'));
    expect((await pending).headers.get('lambda-runtime-aws-request-id')).toBe('r2');
    expect(api.takeBack('r2')).toBe(false);
  });
});
