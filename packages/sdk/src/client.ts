import type { LendwireEvent } from '@lendwire/contract';
import { unwrap, type VerifyOptions, type WebhookHeaders } from '@lendwire/webhooks';
import { LendwireError } from './core/errors.js';
import { type Logger, type LogLevel, leveledLogger } from './core/logger.js';
import { Transport } from './core/transport.js';
import { Accounts } from './resources/accounts.js';
import { ApiKeys } from './resources/api-keys.js';
import { BankAccounts } from './resources/bank-accounts.js';
import { CreditAssessments } from './resources/credit-assessments.js';
import { Customers } from './resources/customers.js';
import { EventTypes } from './resources/event-types.js';
import { Events } from './resources/events.js';
import { LoanApplications } from './resources/loan-applications.js';
import { LoanOffers } from './resources/loan-offers.js';
import { Loans } from './resources/loans.js';
import { Mandates } from './resources/mandates.js';
import { MeResource } from './resources/me.js';
import { NotificationPreferencesResource } from './resources/notification-preferences.js';
import { NotificationTemplates } from './resources/notification-templates.js';
import { Notifications } from './resources/notifications.js';
import { Repayments } from './resources/repayments.js';
import { TestHelpers } from './resources/test-helpers.js';
import { Wallets } from './resources/wallets.js';
import { WebhookDeliveries } from './resources/webhook-deliveries.js';
import { WebhookEndpoints } from './resources/webhook-endpoints.js';
import { Withdrawals } from './resources/withdrawals.js';
import { VERSION } from './version.js';

/** Options of {@link Lendwire}. Only `apiKey` is needed, and it defaults to `LENDWIRE_API_KEY`. */
export interface ClientOptions {
  /** Your key, `lw_test_…` or `lw_live_…`. Default: `process.env.LENDWIRE_API_KEY` where `process` exists. */
  apiKey?: string | undefined;
  /** API origin. Default: `process.env.LENDWIRE_BASE_URL`, else `https://api.lendwire.dev`. */
  baseUrl?: string | undefined;
  /** Per-attempt timeout in ms (default 60 000). */
  timeout?: number;
  /** Automatic retries after the first attempt (default 2). */
  maxRetries?: number;
  /** A `fetch` implementation (default the global one): for proxies, tests or special runtimes. */
  fetch?: typeof fetch;
  /** Where logs go (default `console`). Secrets are redacted. */
  logger?: Logger;
  /** `off`, `error`, `warn` (default), `info` or `debug`; or `LENDWIRE_LOG`. */
  logLevel?: LogLevel;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
  /** Partner account a platform key acts for (`Lendwire-Account`) on every request. */
  account?: string | undefined;
}

function env(name: string): string | undefined {
  try {
    const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
    return p?.env?.[name] || undefined;
  } catch {
    // Deno without --allow-env throws on access: behave as if the variable were unset.
    return undefined;
  }
}

/** `lendwire.webhooks`: verification of the webhooks Lendwire sends. */
export interface WebhooksResource {
  /**
   * Verifies a webhook request (Standard Webhooks signature and timestamp, with Web Crypto) and
   * returns its event, typed: narrow on `event.type`. The body is parsed, not checked against the
   * event schemas (so an event type newer than this SDK still arrives); for a schema-checked event
   * use `unwrap` from `@lendwire/sdk/webhooks`.
   *
   * - `rawBody`: the body exactly as received (`await request.text()`, or the raw bytes).
   * - `headers`: the request headers (`Headers` or a plain object).
   * - `secret`: the endpoint's secret (`whsec_…`), or several during a rotation.
   * - `options.tolerance`: accepted clock difference in seconds (default 300).
   *
   * Throws {@link WebhookVerificationError} (with a `code`) when the request is not authentic or not
   * fresh.
   */
  unwrap(
    rawBody: string | Uint8Array,
    headers: WebhookHeaders,
    secret: string | readonly string[],
    options?: VerifyOptions,
  ): Promise<LendwireEvent>;
}

// No request, no state: one object serves every client. The verification code is the Web Crypto
// implementation of `@lendwire/webhooks`, bundled in at build time (a few hundred bytes gzipped);
// the zod event schemas stay out of the core bundle, in `@lendwire/sdk/webhooks`.
const webhooks: WebhooksResource = {
  unwrap: (rawBody, headers, secret, options) => unwrap<LendwireEvent>(rawBody, headers, secret, options),
};

const LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/**
 * The Lendwire API client.
 *
 * ```ts
 * import { Lendwire } from '@lendwire/sdk';
 * const lendwire = new Lendwire({ apiKey: process.env.LENDWIRE_API_KEY });
 * const customer = await lendwire.customers.create({ name: 'Ada Obi' });
 * ```
 *
 * Constructing a client performs no I/O.
 */
export class Lendwire {
  /** The calling key. */
  readonly me: MeResource;
  /** Partner accounts (platform keys). */
  readonly accounts: Accounts;
  /** API keys. */
  readonly apiKeys: ApiKeys;
  /** Customers. */
  readonly customers: Customers;
  /** Wallets and their transactions. */
  readonly wallets: Wallets;
  /** Bank accounts to withdraw to. */
  readonly bankAccounts: BankAccounts;
  /** Payouts from a wallet to a bank account. */
  readonly withdrawals: Withdrawals;
  /** Loan applications: submit, withdraw, and (platform keys) approve or reject. */
  readonly loanApplications: LoanApplications;
  /** Loan offers: the terms made on an approved application, to accept or decline. */
  readonly loanOffers: LoanOffers;
  /** Loans: schedule, disbursement, write-off, and `loans.repayments`. */
  readonly loans: Loans;
  /** Repayments by id (record and list them under `loans.repayments`). */
  readonly repayments: Repayments;
  /** Direct-debit mandates that collect due installments. */
  readonly mandates: Mandates;
  /** Credit scores computed from bank transactions. */
  readonly creditAssessments: CreditAssessments;
  /** What happened to the account's resources, typed by `type`. */
  readonly events: Events;
  /** The catalogue of event types, with the JSON Schema of each. */
  readonly eventTypes: EventTypes;
  /** The in-app inbox of the account and its customers: list, retrieve, mark read. */
  readonly notifications: Notifications;
  /** Who is told about what, on which channel; quiet hours and locale, per recipient. */
  readonly notificationPreferences: NotificationPreferencesResource;
  /** The words of each notification: the account's overrides of the built-in templates, and previews. */
  readonly notificationTemplates: NotificationTemplates;
  /** Test mode only: fund the test wallet, move the test clock. */
  readonly testHelpers: TestHelpers;
  /** Where webhooks go: create endpoints, rotate their secrets, send tests, list and recover deliveries. */
  readonly webhookEndpoints: WebhookEndpoints;
  /** Webhook deliveries by id: retrieve one with its attempts, or retry it. */
  readonly webhookDeliveries: WebhookDeliveries;
  /** Verify webhooks from Lendwire: `await lendwire.webhooks.unwrap(rawBody, headers, secret)`. */
  readonly webhooks: WebhooksResource = webhooks;
  /** The API origin requests go to. */
  readonly baseUrl: string;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? env('LENDWIRE_API_KEY');
    if (!apiKey) {
      throw new LendwireError(
        'Missing API key: pass `new Lendwire({ apiKey })` or set the LENDWIRE_API_KEY environment variable.',
      );
    }
    const envLevel = env('LENDWIRE_LOG');
    const logLevel = options.logLevel ?? (LEVELS.includes(envLevel as LogLevel) ? (envLevel as LogLevel) : 'warn');
    this.baseUrl = (options.baseUrl ?? env('LENDWIRE_BASE_URL') ?? 'https://api.lendwire.dev').replace(/\/+$/, '');
    const transport = new Transport({
      apiKey,
      baseUrl: this.baseUrl,
      timeout: options.timeout ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch,
      logger: leveledLogger(options.logger ?? console, logLevel),
      defaultHeaders: options.defaultHeaders ?? {},
      account: options.account,
      userAgent: `lendwire-sdk/${VERSION}`,
    });
    this.me = new MeResource(transport);
    this.accounts = new Accounts(transport);
    this.apiKeys = new ApiKeys(transport);
    this.customers = new Customers(transport);
    this.wallets = new Wallets(transport);
    this.bankAccounts = new BankAccounts(transport);
    this.withdrawals = new Withdrawals(transport);
    this.loanApplications = new LoanApplications(transport);
    this.loanOffers = new LoanOffers(transport);
    this.loans = new Loans(transport);
    this.repayments = new Repayments(transport);
    this.mandates = new Mandates(transport);
    this.creditAssessments = new CreditAssessments(transport);
    this.events = new Events(transport);
    this.eventTypes = new EventTypes(transport);
    this.notifications = new Notifications(transport);
    this.notificationPreferences = new NotificationPreferencesResource(transport);
    this.notificationTemplates = new NotificationTemplates(transport);
    this.testHelpers = new TestHelpers(transport);
    this.webhookEndpoints = new WebhookEndpoints(transport);
    this.webhookDeliveries = new WebhookDeliveries(transport);
  }
}
