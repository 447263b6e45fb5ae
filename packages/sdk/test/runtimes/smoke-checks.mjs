// The checks every runtime runs against a live gateway. Imports the SDK by its package name, so it
// exercises whatever `@lendwire/sdk` resolves to in that runtime: the built `dist/index.js`.
import { APIError, Lendwire, NotFoundError } from '@lendwire/sdk';

/**
 * Calls `me.retrieve()`, creates two customers, walks the list with `for await` across pages of one,
 * and provokes a 404. Returns a plain object the test asserts on; never throws for an API error it
 * expects, so a failure shows up as a wrong field rather than a lost stack in a child process.
 *
 * @param {{ apiKey: string; baseUrl: string; runtime: string }} options
 */
export async function runSmoke({ apiKey, baseUrl, runtime }) {
  const client = new Lendwire({ apiKey, baseUrl, maxRetries: 0, timeout: 10_000 });
  const me = await client.me.retrieve();
  const tag = `${runtime}-${crypto.randomUUID()}`;
  const first = await client.customers.create({ name: `Smoke ${runtime} 1`, metadata: { smoke: tag } });
  const second = await client.customers.create({ name: `Smoke ${runtime} 2`, metadata: { smoke: tag } });

  // Pages of one item: newest first, so the two customers just made come first, on separate pages.
  const listed = [];
  for await (const customer of client.customers.list({ limit: 1 })) {
    listed.push(customer.id);
    if (listed.length === 2) break;
  }

  let notFound = null;
  try {
    await client.customers.retrieve('cus_00000000000000000000000000');
  } catch (error) {
    notFound = {
      name: error?.constructor?.name,
      isNotFoundError: error instanceof NotFoundError,
      isAPIError: error instanceof APIError,
      status: error?.status,
      code: error?.code,
      hasRequestId: typeof error?.requestId === 'string' && error.requestId.length > 0,
    };
  }

  return {
    runtime,
    me: { object: me.object, accountId: me.account.id, platform: me.account.platform },
    created: [first.id, second.id],
    listed,
    notFound,
  };
}
