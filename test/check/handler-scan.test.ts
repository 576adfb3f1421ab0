// check's static reading of JavaScript/TypeScript handlers (src/check/handler-scan.ts).
import { describe, expect, it } from 'vitest';
import { scanHandlerSource } from '../../src/check/handler-scan.js';

describe('scanHandlerSource: crossgate/lambda', () => {
  for (const wrapper of ['withCors', 'withCorsV2'])
    it(`${wrapper}(…) from crossgate/lambda is the library deciding per request, with the origins its source names`, () => {
      const source = `import { ${wrapper} } from 'crossgate/lambda';\nexport const handler = ${wrapper}({ origins: ['https://app.example.com'] }, async () => ({ items: [] }));\n`;
      expect(scanHandlerSource(source)).toMatchObject({
        kind: 'library',
        library: 'crossgate/lambda',
        literalOrigins: ['https://app.example.com'],
      });
    });

  it('near miss: an import of crossgate/lambda that calls none of its wrappers is read as headers by hand', () => {
    const source = `import { corsPolicy } from 'crossgate/lambda';\nexport const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } });\n`;
    expect(scanHandlerSource(source)).toMatchObject({
      kind: 'literal',
      allowOrigin: 'https://app.example.com',
    });
  });
});
