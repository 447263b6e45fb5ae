import { generateId, LOAN_OFFER, type UpcomingRepayment } from '@lendwire/contract';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { loanInstallments, loanOffers, loans, mandates, repayments } from '../db/schema.js';
import { inTransaction, lendingConfig, type ServiceContext, type TenantScope } from '../services/context.js';
import { createCreditAssessmentsService } from '../services/credit-assessments.js';
import { createEventsService } from '../services/events.js';
import { rowsOf } from '../services/ledger.js';
import { createLoansService, refreshDelinquency } from '../services/loans.js';
import { createMandatesService } from '../services/mandates.js';
import {
  applyTransitionIfAllowed,
  type InstallmentRow,
  money,
  type OfferRow,
  toLoan,
  toOffer,
  unpaid,
} from './rows.js';

/** What one scheduler run did, by step. */
export interface SchedulerReport {
  offersExpired: number;
  mandatesSetUp: number;
  assessmentsScored: number;
  installmentsFallenDue: number;
  remindersSent: number;
  installmentsOverdue: number;
  loansDelinquencyUpdated: number;
  collectionsAttempted: number;
  collectionsSucceeded: number;
  collectionsFailed: number;
}

/** Options of {@link LendingScheduler.run}. */
export interface SchedulerRunOptions {
  /**
   * Only this tenant, at this instant (its test clock's time): the work of a test clock advance.
   * Without it every tenant is served, each at its own time (live: real time; test: its test clock).
   */
  scope?: TenantScope;
  /** The instant to run at: the tenant's time with `scope`, else real time. Default `ctx.now()`. */
  now?: Date;
  /** Most items one step takes in this run (default 1000): a bound per run, so no step runs away. */
  batchSize?: number;
  /** Collections run this many at a time (default 8). */
  concurrency?: number;
}

const emptyReport = (): SchedulerReport => ({
  offersExpired: 0,
  mandatesSetUp: 0,
  assessmentsScored: 0,
  installmentsFallenDue: 0,
  remindersSent: 0,
  installmentsOverdue: 0,
  loansDelinquencyUpdated: 0,
  collectionsAttempted: 0,
  collectionsSucceeded: 0,
  collectionsFailed: 0,
});

/** Runs `fn` over `items`, at most `limit` at once. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The lending scheduler: the time-driven work of DESIGN §4. One run, in order:
 * 1. open offers past `expiresAt` expire (`loan_offer.expired`);
 * 2. pending mandates are set up through the rail, pending credit assessments are scored;
 * 3. installments reaching their due date become `due`;
 * 4. `repayment.upcoming` for unpaid installments due within the reminder window (once each);
 * 5. installments unpaid after their due date become `overdue` (`loan.overdue`, once each), and every
 *    active loan's days past due and bucket are brought up to date;
 * 6. each active loan with a due installment and an active mandate is collected through the rail:
 *    attempt 1 on the due date, retries after {@link LendingConfig.collectionRetryDays} days.
 * Every item is its own transaction and every step is a compare-and-set, so runs may overlap (two
 * workers) and a run killed half-way is finished by the next one.
 */
export function createLendingScheduler(ctx: ServiceContext) {
  const { db } = ctx;
  const config = lendingConfig(ctx);
  const attempts = 1 + config.collectionRetryDays.length;

  /** The instant a row's tenant is at: fixed with a scope, else per row (test rows follow their clock). */
  function clock(now: Date, scope: TenantScope | undefined, accountCol: SQL, livemodeCol: SQL): SQL {
    const at = sql`${now.toISOString()}::timestamptz`;
    if (scope) return at;
    return sql`(case when ${livemodeCol} then ${at} else ${at} + coalesce((select tc.offset_ms from test_clocks tc where tc.account_id = ${accountCol}), 0) * interval '1 millisecond' end)`;
  }
  const dayOf = (instant: SQL) => sql`((${instant}) at time zone 'UTC')::date`;
  const scoped = (scope: TenantScope | undefined, accountCol: SQL, livemodeCol: SQL) =>
    scope ? sql`${accountCol} = ${scope.accountId} and ${livemodeCol} = ${scope.livemode}` : sql`true`;

  async function run(options: SchedulerRunOptions = {}): Promise<SchedulerReport> {
    const report = emptyReport();
    const scope = options.scope;
    const now = options.now ?? ctx.now();
    const limit = options.batchSize ?? 1000;
    const concurrency = options.concurrency ?? 8;
    // Columns as SQL, for the raw statements below.
    const i = { account: sql`i.account_id`, live: sql`i.livemode` };
    const iNow = clock(now, scope, i.account, i.live);
    const iDay = dayOf(iNow);
    const iScope = scoped(scope, i.account, i.live);

    // 1. Offers past their expiry.
    const expiring = rowsOf<{ id: string; account_id: string; livemode: boolean }>(
      await db.execute(sql`
        select o.id, o.account_id, o.livemode from loan_offers o
        where o.status = 'open' and ${scoped(scope, sql`o.account_id`, sql`o.livemode`)}
          and o.expires_at <= ${clock(now, scope, sql`o.account_id`, sql`o.livemode`)}
        order by o.expires_at limit ${limit}`),
    );
    for (const offer of expiring) {
      const tenant = { accountId: offer.account_id, livemode: offer.livemode };
      const expired = await inTransaction(ctx, async (tx) => {
        const row = await applyTransitionIfAllowed<OfferRow>({
          db: tx.db,
          table: loanOffers,
          machine: LOAN_OFFER,
          action: 'expire',
          id: offer.id,
          now: ctx.now(),
          label: 'loan offer',
        });
        if (!row) return false;
        await createEventsService(tx).record(tenant, 'loan_offer.expired', toOffer(row), {
          previousAttributes: { status: 'open' },
        });
        return true;
      });
      if (expired) report.offersExpired++;
    }

    // 2. Pending mandates and assessments (normally done at once by the lending-work job).
    const mandateIds = rowsOf<{ id: string }>(
      await db.execute(sql`
        select m.id from mandates m
        where m.status = 'pending' and ${scoped(scope, sql`m.account_id`, sql`m.livemode`)}
        order by m.id limit ${limit}`),
    );
    const mandatesSvc = createMandatesService(ctx);
    for (const m of mandateIds) {
      await mandatesSvc.processSetup(m.id);
      report.mandatesSetUp++;
    }
    const assessmentIds = rowsOf<{ id: string }>(
      await db.execute(sql`
        select a.id from credit_assessments a
        where a.status = 'pending' and ${scoped(scope, sql`a.account_id`, sql`a.livemode`)}
        order by a.id limit ${limit}`),
    );
    const assessmentsSvc = createCreditAssessmentsService(ctx);
    for (const a of assessmentIds) {
      await assessmentsSvc.evaluate(a.id);
      report.assessmentsScored++;
    }

    // 3. Installments reaching their due date (no event: `repayment.upcoming` and `loan.overdue` bracket it).
    const fallen = rowsOf<{ loan_id: string }>(
      await db.execute(sql`
        update loan_installments set status = 'due', updated_at = ${ctx.now().toISOString()}::timestamptz
        where (loan_id, number) in (
          select i.loan_id, i.number from loan_installments i join loans l on l.id = i.loan_id
          where i.status = 'upcoming' and l.status = 'active' and ${iScope} and i.due_date <= ${iDay}
          limit ${limit})
          and status = 'upcoming'
        returning loan_id`),
    );
    report.installmentsFallenDue = fallen.length;

    // 4. Reminders, once per installment.
    const remind = rowsOf<{ loan_id: string; number: number }>(
      await db.execute(sql`
        select i.loan_id, i.number from loan_installments i join loans l on l.id = i.loan_id
        where i.status in ('upcoming', 'partially_paid') and i.reminded_at is null and l.status = 'active' and ${iScope}
          and i.due_date > ${iDay} and i.due_date <= ${iDay} + ${config.reminderDaysBefore}::int
        order by i.due_date limit ${limit}`),
    );
    for (const r of remind) {
      const sent = await inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .update(loanInstallments)
          .set({ remindedAt: ctx.now() })
          .where(
            and(
              eq(loanInstallments.loanId, r.loan_id),
              eq(loanInstallments.number, r.number),
              sql`${loanInstallments.remindedAt} is null`,
            ),
          )
          .returning();
        if (!row) return false;
        const [loan] = await tx.db.select().from(loans).where(eq(loans.id, r.loan_id));
        const [mandate] = await tx.db
          .select({ id: mandates.id })
          .from(mandates)
          .where(
            and(
              eq(mandates.customerId, loan!.customerId),
              eq(mandates.livemode, loan!.livemode),
              eq(mandates.currency, loan!.currency),
              eq(mandates.status, 'active'),
            ),
          )
          .orderBy(asc(mandates.id))
          .limit(1);
        const reminder: UpcomingRepayment = {
          object: 'upcoming_repayment',
          loanId: row.loanId,
          customerId: loan!.customerId,
          installmentNumber: row.number,
          dueDate: row.dueDate,
          amountDue: money(unpaid(row).total, loan!.currency),
          mandateId: mandate?.id ?? null,
          livemode: row.livemode,
        };
        await createEventsService(tx).record(
          { accountId: row.accountId, livemode: row.livemode },
          'repayment.upcoming',
          reminder,
        );
        return true;
      });
      if (sent) report.remindersSent++;
    }

    // 5. Overdue marks (once per installment, with `loan.overdue`), then delinquency of every active loan.
    const late = rowsOf<{ loan_id: string; number: number; today: string }>(
      await db.execute(sql`
        select i.loan_id, i.number, to_char(${iDay}, 'YYYY-MM-DD') as today
        from loan_installments i join loans l on l.id = i.loan_id
        where i.status in ('due', 'partially_paid') and l.status = 'active' and ${iScope} and i.due_date < ${iDay}
        order by i.due_date limit ${limit}`),
    );
    for (const r of late) {
      const marked = await inTransaction(ctx, async (tx) => {
        const [loanRow] = await tx.db.select().from(loans).where(eq(loans.id, r.loan_id)).for('update');
        const [row] = await tx.db
          .update(loanInstallments)
          .set({ status: 'overdue', overdueAt: ctx.now(), updatedAt: ctx.now() })
          .where(
            and(
              eq(loanInstallments.loanId, r.loan_id),
              eq(loanInstallments.number, r.number),
              sql`${loanInstallments.status} in ('due', 'partially_paid')`,
            ),
          )
          .returning();
        if (!row || !loanRow || loanRow.status !== 'active') return false;
        const installments = await tx.db
          .select()
          .from(loanInstallments)
          .where(eq(loanInstallments.loanId, r.loan_id))
          .orderBy(asc(loanInstallments.number));
        const loan = await refreshDelinquency(tx, loanRow, installments, r.today);
        await createEventsService(tx).record(
          { accountId: loan.accountId, livemode: loan.livemode },
          'loan.overdue',
          toLoan(loan, installments),
        );
        return true;
      });
      if (marked) report.installmentsOverdue++;
    }
    const refreshed = rowsOf<{ id: string }>(
      await db.execute(sql`
        with late as (
          select i.loan_id, max(${iDay} - i.due_date) as dpd
          from loan_installments i
          where i.status <> 'paid' and i.due_date < ${iDay} and ${iScope}
          group by i.loan_id)
        update loans l set
          days_past_due = late.dpd,
          delinquency_bucket = case when late.dpd <= 0 then 'current' when late.dpd <= 30 then '1_30'
            when late.dpd <= 60 then '31_60' when late.dpd <= 90 then '61_90' else '90_plus' end,
          updated_at = ${ctx.now().toISOString()}::timestamptz
        from late
        where l.id = late.loan_id and l.status = 'active' and l.days_past_due <> late.dpd
        returning l.id`),
    );
    report.loansDelinquencyUpdated = refreshed.length;

    // 6. Collections: resume any left pending by a crashed run, then start new ones. A tenant's own run
    // (a test clock advance) takes over every pending collection of the tenant, so it returns with
    // them settled even when a periodic run started one a moment ago (the rail answers the same
    // reference once, and settling is a compare-and-set); the periodic run leaves them a minute.
    const staleBefore = scope ? ctx.now() : new Date(ctx.now().getTime() - 60_000);
    const stale = rowsOf<{ id: string }>(
      await db.execute(sql`
        select r.id from repayments r
        where r.status = 'pending' and r.source = 'mandate'
          and ${scoped(scope, sql`r.account_id`, sql`r.livemode`)}
          and r.updated_at <= ${staleBefore.toISOString()}::timestamptz
        limit ${limit}`),
    );
    const outcomes = async (repaymentId: string) => {
      const outcome = await collect(repaymentId);
      if (outcome === 'succeeded') report.collectionsSucceeded++;
      else if (outcome === 'failed') report.collectionsFailed++;
    };
    await inParallel(
      stale.map((r) => r.id),
      concurrency,
      outcomes,
    );
    const due = rowsOf<{ loan_id: string; number: number; attempts: number; due_date: string; today: string }>(
      await db.execute(sql`
        select distinct on (i.loan_id) i.loan_id, i.number, i.collection_attempts as attempts,
          to_char(i.due_date, 'YYYY-MM-DD') as due_date, to_char(${iDay}, 'YYYY-MM-DD') as today
        from loan_installments i
        join loans l on l.id = i.loan_id and l.status = 'active'
        join accounts a on a.id = i.account_id and a.status = 'active'
        where i.status in ('due', 'partially_paid', 'overdue') and ${iScope}
          and i.due_date <= ${iDay}
          and i.collection_attempts < ${attempts}
          and (i.next_collection_at is null or i.next_collection_at <= ${iNow})
          and exists (select 1 from mandates m where m.customer_id = l.customer_id and m.livemode = l.livemode
            and m.currency = l.currency and m.status = 'active')
          and not exists (select 1 from repayments r where r.loan_id = i.loan_id and r.status = 'pending')
        order by i.loan_id, i.number
        limit ${limit}`),
    );
    await inParallel(due, concurrency, async (target) => {
      const repaymentId = await claim(target);
      if (!repaymentId) return;
      report.collectionsAttempted++;
      await outcomes(repaymentId);
    });
    return report;
  }

  /**
   * Starts a collection: one transaction writes the pending repayment (at most one per loan, by a
   * unique index, so a second worker gets nothing) and counts the attempt on the installment, with
   * the time of the next retry. Returns the repayment id, or null when another run got there first.
   */
  async function claim(target: {
    loan_id: string;
    number: number;
    attempts: number;
    due_date: string;
    today: string;
  }): Promise<string | null> {
    try {
      return await inTransaction(ctx, async (tx) => {
        const [loan] = await tx.db.select().from(loans).where(eq(loans.id, target.loan_id)).for('update');
        if (loan?.status !== 'active') return null;
        const installments: InstallmentRow[] = await tx.db
          .select()
          .from(loanInstallments)
          .where(eq(loanInstallments.loanId, loan.id))
          .orderBy(asc(loanInstallments.number));
        const amount = installments
          .filter((row) => row.dueDate <= target.today)
          .reduce((sum, row) => sum + unpaid(row).total, 0);
        const [mandate] = await tx.db
          .select({ id: mandates.id })
          .from(mandates)
          .where(
            and(
              eq(mandates.customerId, loan.customerId),
              eq(mandates.livemode, loan.livemode),
              eq(mandates.currency, loan.currency),
              eq(mandates.status, 'active'),
            ),
          )
          .orderBy(asc(mandates.id))
          .limit(1);
        if (amount <= 0 || !mandate) return null;
        const retryDays = config.collectionRetryDays[target.attempts];
        const nextAt =
          retryDays === undefined
            ? null
            : new Date(Date.parse(`${target.due_date}T00:00:00Z`) + retryDays * 86_400_000);
        const [counted] = await tx.db
          .update(loanInstallments)
          .set({ collectionAttempts: target.attempts + 1, nextCollectionAt: nextAt })
          .where(
            and(
              eq(loanInstallments.loanId, loan.id),
              eq(loanInstallments.number, target.number),
              eq(loanInstallments.collectionAttempts, target.attempts),
            ),
          )
          .returning();
        if (!counted) return null;
        const created = ctx.now();
        const id = generateId('repayment', created.getTime());
        await tx.db.insert(repayments).values({
          id,
          accountId: loan.accountId,
          livemode: loan.livemode,
          loanId: loan.id,
          amount,
          currency: loan.currency,
          source: 'mandate',
          mandateId: mandate.id,
          installmentNumber: target.number,
          attempt: target.attempts,
          status: 'pending',
          createdAt: created,
          updatedAt: created,
        });
        return id;
      });
    } catch (error) {
      // The unique index on pending repayments: another run is collecting this loan.
      if (/repayments_one_pending|unique/i.test(String((error as Error).message ?? ''))) return null;
      throw error;
    }
  }

  /** Collects a pending repayment through the rail and settles or fails it. Safe to repeat. */
  async function collect(repaymentId: string): Promise<'succeeded' | 'failed' | 'skipped'> {
    const [row] = await db.select().from(repayments).where(eq(repayments.id, repaymentId));
    if (row?.status !== 'pending' || !row.mandateId) return 'skipped';
    const [mandate] = await db.select().from(mandates).where(eq(mandates.id, row.mandateId));
    if (!ctx.rail || !ctx.secretBox || !mandate)
      throw new Error('Collections need the payment rail and the encryption key');
    const result = await ctx.rail.collect({
      reference: row.id,
      mandateReference: mandate.id,
      amount: row.amount,
      currency: row.currency,
      accountNumber: await ctx.secretBox.decrypt(mandate.accountNumberEncrypted),
      attempt: row.attempt ?? 0,
    });
    const loansSvc = createLoansService(ctx);
    // Null: another run settled it first (both may call the rail; it answers a reference once).
    if (result.status === 'succeeded') {
      const settled = await loansSvc.settleCollection(row.id);
      if (!settled) return 'skipped';
      return settled.status === 'succeeded' ? 'succeeded' : 'failed';
    }
    return (await loansSvc.failCollection(row.id, result.code, result.message)) ? 'failed' : 'skipped';
  }

  /**
   * Runs a test tenant's schedule through time from `from` to `to` (a test clock advance): once at
   * each UTC midnight crossed and once at `to`, so a jump of 40 days sees the due date, the failed
   * collection, the overdue mark and the retry in the order they would have happened.
   */
  async function runThrough(scope: TenantScope, from: Date, to: Date): Promise<SchedulerReport> {
    const total = emptyReport();
    const add = (r: SchedulerReport) => {
      for (const key of Object.keys(total) as (keyof SchedulerReport)[]) total[key] += r[key];
    };
    const day = 86_400_000;
    for (let t = Math.floor(from.getTime() / day) * day + day; t < to.getTime(); t += day) {
      add(await run({ scope, now: new Date(t) }));
    }
    add(await run({ scope, now: to }));
    return total;
  }

  return { run, runThrough, collect };
}

/** The lending scheduler. */
export type LendingScheduler = ReturnType<typeof createLendingScheduler>;
