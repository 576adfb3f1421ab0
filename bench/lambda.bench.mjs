// crossgate/lambda per invocation, against a bare handler and the two libraries teams already use for
// CORS on Lambda: @middy/core + @middy/http-cors, and Powertools' Router with its cors middleware.
// Same machine, same process, same events, interleaved rounds; the figure is the median round.
// Run through `npm run bench -- lambda` (bench/run.mjs builds first; this imports dist/).
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { cors as powertoolsCors } from '@aws-lambda-powertools/event-handler/http/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import { corsPolicy, withCors } from '../dist/lambda/index.js';

const ORIGIN = 'https://app.example.com';
const ORIGINS = [ORIGIN, 'https://admin.example.com'];

/** A REST API proxy event as API Gateway sends it (JSON-parsed, like the Lambda runtime does). */
function proxyEvent(method, extra) {
  const headers = {
    Accept: 'application/json',
    'Accept-Encoding': 'gzip, deflate, br',
    'Accept-Language': 'en-GB,en;q=0.9',
    'CloudFront-Forwarded-Proto': 'https',
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    Origin: ORIGIN,
    Referer: `${ORIGIN}/`,
    'Sec-Fetch-Mode': 'cors',
    'Sec-Fetch-Site': 'cross-site',
    'User-Agent':
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
    'X-Amzn-Trace-Id': 'Root=1-67891233-abcdef012345678912345678',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...extra,
  };
  return JSON.parse(
    JSON.stringify({
      resource: '/items',
      path: '/items',
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: {
        resourcePath: '/items',
        httpMethod: method,
        path: '/prod/items',
        stage: 'prod',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        identity: { sourceIp: '203.0.113.7' },
      },
      body: null,
      isBase64Encoded: false,
    }),
  );
}

const get = proxyEvent('GET', {});
const preflight = proxyEvent('OPTIONS', {
  'Access-Control-Request-Method': 'PUT',
  'Access-Control-Request-Headers': 'content-type',
});
const context = {
  functionName: 'bench',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 30_000,
  callbackWaitsForEmptyEventLoop: true,
};

const body = '{"items":[]}';
const bare = async () => ({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body });

const policy = corsPolicy({
  origins: ORIGINS,
  allowMethods: ['PUT', 'DELETE'],
  allowHeaders: ['content-type'],
  maxAge: 600,
});
const wrapped = withCors(policy, bare);

const middyHandler = middy(bare).use(
  httpCors({
    origins: ORIGINS,
    methods: 'PUT,DELETE',
    headers: 'content-type',
    maxAge: 600,
    disableBeforePreflightResponse: false, // answer preflights in `before`, as withCors does
  }),
);

const app = new Router();
app.use(
  powertoolsCors({
    origin: ORIGINS,
    allowMethods: ['GET', 'PUT', 'DELETE'],
    allowHeaders: ['content-type'],
    maxAge: 600,
  }),
);
app.get('/items', async () => ({ items: [] }));
app.put('/items', async () => ({ items: [] }));
const powertools = (event, ctx) => app.resolve(event, ctx);

const variants = [
  ['bare handler (no CORS)', bare],
  ['crossgate/lambda withCors', wrapped],
  ['@middy/core + @middy/http-cors', middyHandler],
  ['Powertools Router + cors()', powertools],
];

// Every variant must answer what the table says it answers, or its timing means nothing.
for (const [name, handler] of variants.slice(1)) {
  const res = await handler(get, context);
  const h = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const mh = Object.fromEntries(
    Object.entries(res.multiValueHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const acao = h['access-control-allow-origin'] ?? mh['access-control-allow-origin']?.[0];
  if (res.statusCode !== 200 || acao !== ORIGIN)
    throw new Error(`${name}: GET answered ${res.statusCode} ${acao}`);
  const pre = await handler(preflight, context);
  if (pre.statusCode >= 300) throw new Error(`${name}: preflight answered ${pre.statusCode}`);
}

/** ns per invocation: `rounds` rounds of at least `minMs` each, every variant interleaved; medians. */
async function measure(event, rounds = 15, minMs = 150) {
  const samples = new Map(variants.map(([name]) => [name, []]));
  const iterations = new Map();
  for (const [name, handler] of variants) {
    // Warm-up (JIT tiers) and calibration: enough iterations for one round to last minMs.
    let n = 1000;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) await handler(event, context);
      if (performance.now() - t >= minMs) break;
      n *= 2;
    }
    iterations.set(name, n);
  }
  for (let r = 0; r < rounds; r++)
    for (const [name, handler] of variants) {
      const n = iterations.get(name);
      globalThis.gc?.();
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await handler(event, context);
      samples.get(name).push(Number(process.hrtime.bigint() - t) / n);
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return new Map([...samples].map(([name, xs]) => [name, { median: median(xs), min: Math.min(...xs) }]));
}

const results = [
  ['GET with an allowed Origin', await measure(get)],
  ['preflight (OPTIONS)', await measure(preflight)],
];

const fmt = (ns) => Math.round(ns).toLocaleString('en-US');
let out = '## crossgate/lambda — ns per invocation\n\n';
out +=
  'Each handler answers a REST API proxy event with 14 request headers. Median of 15 interleaved rounds (min in brackets).\n\n';
out += `| handler | ${results.map(([n]) => n).join(' | ')} |\n|---|${results.map(() => '---:').join('|')}|\n`;
for (const [name] of variants)
  out += `| ${name} | ${results.map(([, m]) => `${fmt(m.get(name).median)} ns (${fmt(m.get(name).min)})`).join(' | ')} |\n`;
const bareGet = results[0][1].get('bare handler (no CORS)').median;
const oursGet = results[0][1].get('crossgate/lambda withCors').median;
out += `\nwithCors adds ${fmt(oursGet - bareGet)} ns to the bare handler on a GET (target: under 300 ns).\n`;
process.stdout.write(out);
