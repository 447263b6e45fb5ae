import type { Tier } from '@lendwire/contract';
import { loadConfig } from '../../../gateway/src/config.js';
import { type RunningGateway, startGateway } from '../../../gateway/src/node/index.js';
import { type ClientOptions, Lendwire } from '../../src/index.js';

/** A partner account with an all-scope key, made through the SDK by the platform. */
export interface Partner {
  id: string;
  key: string;
  keyId: string;
  client: Lendwire;
}

/** A real gateway over HTTP on an in-memory store, with clients for its root key and for partners. */
export interface E2EGateway {
  running: RunningGateway;
  /** The platform's all-scope root key, generated at start. */
  rootKey: string;
  /** Root-key client. */
  root: Lendwire;
  /** A client on this gateway; logging off unless asked for. */
  client(apiKey: string, options?: ClientOptions): Lendwire;
  /** Creates a partner account (tier `growth` unless told) and a `*` key for it. */
  createPartner(name: string, tier?: Tier): Promise<Partner>;
  /**
   * A live-mode `*` key for an account. The API makes keys in the caller's mode and the root key is a
   * test key, so this goes through the gateway's services, as `lendwire keys create --live` does.
   */
  createLiveKey(accountId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the gateway's Node entry on an ephemeral port, configured by `env` on top of the test
 * defaults (as its environment variables would). Call `close()` in `afterAll`.
 */
export async function startE2EGateway(env: Record<string, string> = {}): Promise<E2EGateway> {
  const running = await startGateway(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LENDWIRE_DATA_DIR: ':memory:',
      LENDWIRE_LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  const rootKey = running.rootKey.generatedSecret;
  if (!rootKey) throw new Error(`expected a generated root key, got one from ${running.rootKey.source}`);
  const client = (apiKey: string, options: ClientOptions = {}) =>
    new Lendwire({ apiKey, baseUrl: running.url, logLevel: 'off', ...options });
  const root = client(rootKey);
  return {
    running,
    rootKey,
    root,
    client,
    async createPartner(name, tier = 'growth') {
      const account = await root.accounts.create({ name, contactEmail: 'ops@partner.test', tier });
      const key = await root.apiKeys.create({ name: `${name} key`, scopes: ['*'] }, { account: account.id });
      return { id: account.id, key: key.secret, keyId: key.id, client: client(key.secret) };
    },
    async createLiveKey(accountId) {
      const key = await running.services.apiKeys.create(
        { accountId, livemode: true },
        { name: 'live key', scopes: ['*'] },
      );
      return key.secret;
    },
    close: () => running.close(),
  };
}
