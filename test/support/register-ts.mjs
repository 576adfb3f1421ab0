/** `node --import ./test/support/register-ts.mjs src/cli/main.ts …`: runs the TypeScript sources. */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
