import { generateId } from '@lendwire/contract';
import { sql } from 'drizzle-orm';
import {
  createJobQueue,
  type EmailMessage,
  type Enqueue,
  type JobQueue,
  NOTIFICATION_SEND_JOB,
  type NotificationSendJob,
  type Notifier,
  rowsOf,
  type SmsMessage,
  type TenantScope,
  type TransportResult,
} from '../../src/index.js';
import type { TestStore } from '../support.js';

/**
 * A transport that keeps what it is given (the external boundary: the real SMTP and Twilio
 * transports are tested in the gateway). `failures` are thrown, one per call, before anything is
 * kept; `attempts` counts every call.
 */
export interface RecordingTransport<M> {
  sent: M[];
  attempts: M[];
  failures: Error[];
  send(message: M): Promise<TransportResult>;
}

function recorder<M>(prefix: string): RecordingTransport<M> {
  const transport: RecordingTransport<M> = {
    sent: [],
    attempts: [],
    failures: [],
    async send(message) {
      transport.attempts.push(message);
      const failure = transport.failures.shift();
      if (failure) throw failure;
      transport.sent.push(message);
      return { providerMessageId: `${prefix}_${transport.sent.length}` };
    },
  };
  return transport;
}

/** An e-mail and an SMS transport that record what they are given. */
export function recordingTransports() {
  return { email: recorder<EmailMessage>('smtp'), sms: recorder<SmsMessage>('sms') };
}

/** A send job as it sits in pg-boss. */
export interface QueuedSendJob {
  id: string;
  data: NotificationSendJob;
  startAfter: Date;
  createdOn: Date;
}

/**
 * The real job queue (pg-boss) with the notification queue defined and started, but no worker: the
 * tests read the jobs the notifier enqueued and run `notifier.send` for each themselves, so a held
 * job can be run "later" without waiting.
 */
export async function notificationQueue(store: TestStore) {
  const errors: string[] = [];
  const queue: JobQueue = createJobQueue(store.handle, {
    logger: { warn: () => {}, error: (msg) => errors.push(msg) },
  });
  await queue.defineQueue(NOTIFICATION_SEND_JOB);
  await queue.start();
  const enqueue: Enqueue = (db, name, data, options) =>
    queue.send(name, data, { db, ...(options?.startAfter ? { startAfter: options.startAfter } : {}) });
  const ran = new Set<string>();

  /** Every notification send job in pg-boss, oldest first. */
  async function jobs(): Promise<QueuedSendJob[]> {
    const rows = rowsOf<{
      id: string;
      data: NotificationSendJob;
      start_after: string | Date;
      created_on: string | Date;
    }>(
      await store.handle.db.execute(sql`
        select id, data, start_after, created_on from pgboss.job
        where name = ${NOTIFICATION_SEND_JOB} order by created_on, id`),
    );
    return rows.map((r) => ({
      id: r.id,
      data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
      startAfter: new Date(r.start_after),
      createdOn: new Date(r.created_on),
    }));
  }

  /** The job of one delivery (exactly one, or the test fails). */
  async function jobOf(deliveryId: string): Promise<QueuedSendJob> {
    const found = (await jobs()).filter((j) => j.data.deliveryId === deliveryId);
    if (found.length !== 1) throw new Error(`expected one send job for ${deliveryId}, found ${found.length}`);
    return found[0]!;
  }

  /** Runs `notifier.send` once for every job not run yet (as the worker would); returns what each answered. */
  async function runAll(notifier: Notifier): Promise<Map<string, string>> {
    const results = new Map<string, string>();
    for (const job of await jobs()) {
      if (ran.has(job.id)) continue;
      ran.add(job.id);
      results.set(
        job.data.deliveryId,
        await notifier.send(job.data.deliveryId, false).catch((e: unknown) => `threw: ${(e as Error).message}`),
      );
    }
    return results;
  }

  return {
    queue,
    enqueue,
    jobs,
    jobOf,
    runAll,
    errors,
    stop: () => queue.stop({ graceful: false }),
  };
}

/** A submitted application of ₦100,000 over 6 months. */
export async function applicationFor(store: TestStore, scope: TenantScope, customerId: string) {
  return store.services.loanApplications.create(scope, {
    customerId,
    amount: { amount: 10_000_000, currency: 'NGN' },
    termMonths: 6,
    purpose: 'Stock',
  });
}

/** A loan waiting for disbursement: applied for, approved and accepted. */
export async function loanFor(store: TestStore, scope: TenantScope, customerId: string) {
  const { services } = store;
  const app = await applicationFor(store, scope, customerId);
  const approved = await services.loanApplications.approve(scope, app.id, {
    offer: {
      principal: { amount: 10_000_000, currency: 'NGN' },
      annualInterestRateBps: 2400,
      termMonths: 6,
      amortization: 'equal_installments',
    },
  });
  const accepted = await services.loans.acceptOffer(scope, approved.offerId!);
  return services.loans.get(scope, accepted.loanId!);
}

/**
 * Writes `repayment.failed` to the outbox with the repayment as `failCollection` writes it after the
 * bank refused a direct debit (reaching a collection through the scheduler takes a month of test clock).
 */
export async function recordFailedRepayment(store: TestStore, scope: TenantScope, loanId: string, amount = 1_785_258) {
  const now = store.clock.now();
  const zero = { amount: 0, currency: 'NGN' };
  return store.services.events.record(
    scope,
    'repayment.failed',
    {
      id: generateId('repayment', now.getTime()),
      object: 'repayment',
      loanId,
      amount: { amount, currency: 'NGN' },
      source: 'mandate',
      mandateId: generateId('mandate', now.getTime()),
      status: 'failed',
      allocation: { fees: zero, interest: zero, principal: zero },
      failureCode: 'insufficient_funds',
      failureMessage: 'The customer’s account lacked funds',
      livemode: scope.livemode,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    },
    { previousAttributes: { status: 'pending', failureCode: null, failureMessage: null } },
  );
}
