/**
 * `@lendwire/gateway/worker`: the gateway as a Cloudflare Worker (`export default { fetch, scheduled }`;
 * `scheduled` purges expired idempotency records from a Cron Trigger).
 *
 * Bindings: `DATABASE_URL` or a Hyperdrive binding `HYPERDRIVE`, `UPSTASH_REDIS_REST_URL`,
 * `UPSTASH_REDIS_REST_TOKEN`, `LENDWIRE_ENCRYPTION_KEY`; optional `LENDWIRE_*` settings (see
 * docs/edge.md). Needs the `nodejs_compat` compatibility flag (postgres.js sockets,
 * `AsyncLocalStorage`). The database is the one `lendwire migrate` prepared; `lendwire worker`
 * processes on Node work its jobs and send its webhooks and notifications.
 */
import { createWorkerHandler } from './edge/handler.js';

export type { HyperdriveBinding, WorkerEnv } from './edge/config.js';
export {
  createWorkerHandler,
  type WorkerExecutionContext,
  type WorkerHandler,
  type WorkerHandlerOptions,
} from './edge/handler.js';

const worker = createWorkerHandler();

export default worker;
