// Runtime smoke test entry for Node, Bun and Deno: `node smoke.mjs` with LENDWIRE_API_KEY and
// LENDWIRE_BASE_URL set. Prints one line, `SMOKE_RESULT {...}`, and exits non-zero on an unexpected
// error. `resolved` says which file `@lendwire/sdk` loaded, so the test can insist on the build.
import { runSmoke } from './smoke-checks.mjs';

const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const env = globalThis.Deno ? globalThis.Deno.env.toObject() : globalThis.process.env;

try {
  const result = await runSmoke({ apiKey: env.LENDWIRE_API_KEY, baseUrl: env.LENDWIRE_BASE_URL, runtime });
  const resolved = import.meta.resolve('@lendwire/sdk');
  console.log(`SMOKE_RESULT ${JSON.stringify({ ...result, resolved })}`);
} catch (error) {
  console.error(error);
  if (globalThis.Deno) globalThis.Deno.exit(1);
  globalThis.process.exitCode = 1;
}
