import { lookup } from 'node:dns/promises';
import { createWebhookDispatcher, type Services, type WebhookDispatcher } from '@lendwire/core';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createWebhookSender } from './webhook-sender.js';

/** The SSRF guard's settings from the configuration (private networks allowed on the embedded store only). */
export function webhookSettings(config: Config): NonNullable<Services['ctx']['webhooks']> {
  const allowPrivateNetworks =
    config.LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS === undefined
      ? !config.DATABASE_URL
      : config.LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true';
  return {
    allowPrivateNetworks,
    resolveHost: async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address),
  };
}

/** A running built-in dispatcher. */
export interface RunningDispatcher {
  dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
}

/**
 * Starts the built-in webhook dispatcher on `services` (fan-out and delivery passes back to back
 * while there is work), unless `LENDWIRE_WEBHOOKS=off`. Several processes may run one each.
 */
export function startWebhookDispatcher(
  services: Services,
  config: Config,
  logger: Logger | undefined,
): RunningDispatcher | undefined {
  if (config.LENDWIRE_WEBHOOKS === 'off') return undefined;
  const settings = webhookSettings(config);
  const sender = createWebhookSender({ allowPrivateNetworks: settings.allowPrivateNetworks });
  const dispatcher = createWebhookDispatcher(services.ctx, {
    sender,
    timeoutMs: config.LENDWIRE_WEBHOOK_TIMEOUT_MS,
    ...(config.LENDWIRE_WEBHOOK_SCHEDULE ? { schedule: config.LENDWIRE_WEBHOOK_SCHEDULE } : {}),
  });
  dispatcher.start(250, (error) =>
    logger?.error('webhook dispatch pass failed', { error: error instanceof Error ? error.name : 'unknown' }),
  );
  return {
    dispatcher,
    async stop() {
      await dispatcher.stop();
      await sender.close();
    },
  };
}
