import type { ClockAdvanceParams, TestClock, Wallet, WalletFundParams } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions, Transport } from '../core/transport.js';

/** Test-mode wallet helpers. */
export class TestHelperWallets extends APIResource {
  /**
   * Credits the caller's test wallet (`currency` defaults to NGN; the wallet is created if needed), so
   * withdrawals can be tried without first lending and collecting. Returns the wallet after the
   * credit. Each call credits again: its idempotency key only protects its own retries.
   */
  fund(params: WalletFundParams, options?: RequestOptions): APIPromise<Wallet> {
    return this.transport.request({ method: 'POST', path: '/v1/test-helpers/wallets/fund', body: params, options });
  }
}

/** The test-mode clock. */
export class TestHelperClock extends APIResource {
  /**
   * Moves test-mode time forward by `seconds` (at most 400 days) and resolves once the work that
   * became due has run, so a test can advance a month and then assert on what happened, without
   * polling or waiting in real time.
   */
  advance(params: ClockAdvanceParams, options?: RequestOptions): APIPromise<TestClock> {
    return this.transport.request({ method: 'POST', path: '/v1/test-helpers/clock/advance', body: params, options });
  }
}

/**
 * Helpers that exist only in test mode, to set up states that would otherwise need real money or real
 * time. A live key gets `PermissionDeniedError` (403) with code `test_mode_only`.
 */
export class TestHelpers {
  /** Funds the test wallet. */
  readonly wallets: TestHelperWallets;
  /** Moves test-mode time. */
  readonly clock: TestHelperClock;

  /** @internal Hangs off a `Lendwire` client, which makes it. */
  constructor(transport: Transport) {
    this.wallets = new TestHelperWallets(transport);
    this.clock = new TestHelperClock(transport);
  }
}
