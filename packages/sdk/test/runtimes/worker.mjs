// Module worker for workerd (via miniflare): runs the same checks on a request and answers with the
// JSON result. Bundled by the test with esbuild for the `workerd`/`worker`/`browser` conditions.
import { runSmoke } from './smoke-checks.mjs';

export default {
  /** @param {Request} _request @param {{ LENDWIRE_API_KEY: string; LENDWIRE_BASE_URL: string }} env */
  async fetch(_request, env) {
    try {
      const result = await runSmoke({
        apiKey: env.LENDWIRE_API_KEY,
        baseUrl: env.LENDWIRE_BASE_URL,
        runtime: 'workerd',
      });
      return Response.json(result);
    } catch (error) {
      return Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
    }
  },
};
