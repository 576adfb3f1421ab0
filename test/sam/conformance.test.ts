import { describe, expect, it } from 'vitest';
import {
  CONFORMANCE_DIR,
  fixtureNames,
  HTTP_CONFORMANCE_DIR,
  runFixture,
  runHttpFixture,
} from './conformance.js';

// Source: aws/serverless-application-model tests/translator/{input,output} (see ../shared/conformance/README.md).
describe('SAM translator conformance', () => {
  const names = fixtureNames();

  it('finds the 280 fixtures', () => {
    if (names.length === 0) {
      // External reference data, not part of this repository: say so loudly rather than pass quietly.
      console.warn(
        `\n!! conformance: no SAM fixtures at ${CONFORMANCE_DIR}; the conformance suite is SKIPPED.\n!! Set CROSSGATE_CONFORMANCE_DIR to the shared/conformance/sam folder.\n`,
      );
      return;
    }
    expect(names.length).toBe(280);
  });

  it('agrees with the SAM translator on every fixture', () => {
    const results = names.map(runFixture);
    const failed = results.filter((r) => !r.ok);
    const excluded = results.filter((r) => r.excluded);
    const compared = results.length - excluded.length;
    const lines = [
      `conformance: ${compared - failed.length}/${compared} fixtures agree (${excluded.length} of ${results.length} excluded by name, listed below)`,
    ];
    for (const r of excluded) lines.push(`  excluded ${r.name}: ${r.excluded}`);
    for (const r of failed) lines.push(`  differs ${r.name}:\n    ${r.reason}`);
    console.log(lines.join('\n'));
    expect(failed.map((r) => r.name)).toEqual([]);
  });
});

// Source: the same translator's fixtures for AWS::Serverless::HttpApi and FunctionUrlConfig
// (../shared/conformance/sam-http/README.md).
describe('SAM translator conformance: HTTP APIs and Function URLs', () => {
  const names = fixtureNames(HTTP_CONFORMANCE_DIR);

  it('finds the 69 fixtures', () => {
    if (names.length === 0) {
      console.warn(
        `\n!! conformance (http): no SAM fixtures at ${HTTP_CONFORMANCE_DIR}; the HTTP conformance suite is SKIPPED.\n`,
      );
      return;
    }
    expect(names.length).toBe(69);
  });

  it('agrees with the SAM translator on every fixture', () => {
    const results = names.map(runHttpFixture);
    const failed = results.filter((r) => !r.ok);
    const excluded = results.filter((r) => r.excluded);
    const compared = results.length - excluded.length;
    const lines = [
      `conformance (http): ${compared - failed.length}/${compared} fixtures agree (${excluded.length} of ${results.length} excluded by name, listed below)`,
    ];
    for (const r of excluded) lines.push(`  excluded ${r.name}: ${r.excluded}`);
    for (const r of failed) lines.push(`  differs ${r.name}:\n    ${r.reason}`);
    console.log(lines.join('\n'));
    expect(failed.map((r) => r.name)).toEqual([]);
  });
});
