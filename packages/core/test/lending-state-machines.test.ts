/**
 * The lending state machines, table-driven against the real services: for every machine and every
 * (state, action) pair of `machine.states × machine.actions`, a fresh tenant brings an object into
 * `state` through the services and applies `action` through the operation that performs it. When the
 * table allows the action the object ends in `machine.next(state, action)`; otherwise a public
 * operation answers `state_conflict` naming the current state (the exact `stateConflictMessage`
 * where the service uses it) and the object is left as it was. A row added to a table is covered
 * automatically; an action with no mapping below fails the "every action is mapped" test.
 */
import {
  INSTALLMENT,
  LOAN,
  LOAN_APPLICATION,
  LOAN_OFFER,
  MANDATE,
  REPAYMENT,
  type StateMachine,
  stateConflictMessage,
} from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRailSimulator,
  createServices,
  dbPayoutBook,
  type PaymentRail,
  ServiceError,
  type Services,
  type TenantScope,
} from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

const DAY = 86_400;
const PRINCIPAL = 1_200_000;

interface Tenant {
  scope: TenantScope;
  customerId: string;
}

async function tenant(): Promise<Tenant> {
  const { services } = store;
  const account = await services.accounts.create({ name: `SM${++n}`, contactEmail: 'sm@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const customer = await services.customers.create(scope, { name: 'Ada Obi' });
  return { scope, customerId: customer.id };
}

const apply = (t: Tenant) =>
  store.services.loanApplications.create(t.scope, {
    customerId: t.customerId,
    amount: { amount: PRINCIPAL, currency: 'NGN' },
    termMonths: 3,
    purpose: 'Stock',
  });

async function approve(t: Tenant, applicationId: string) {
  return store.services.loanApplications.approve(t.scope, applicationId, {
    offer: {
      principal: { amount: PRINCIPAL, currency: 'NGN' },
      annualInterestRateBps: 2400,
      termMonths: 3,
      amortization: 'flat',
      originationFeeBps: 100,
    },
  });
}

async function openOffer(t: Tenant): Promise<string> {
  const approved = await approve(t, (await apply(t)).id);
  return approved.offerId!;
}

async function pendingLoan(t: Tenant): Promise<string> {
  const accepted = await store.services.loans.acceptOffer(t.scope, await openOffer(t));
  return accepted.loanId!;
}

async function activeLoan(t: Tenant): Promise<string> {
  const id = await pendingLoan(t);
  await store.services.loans.disburse(t.scope, id);
  return id;
}

/** Advances the tenant's test clock and runs the scheduler at the new time, as the test helper does. */
async function advance(t: Tenant, seconds: number) {
  const { services } = store;
  const now = await services.testClock.advance(t.scope.accountId, seconds);
  return services.lendingScheduler.run({ scope: t.scope, now });
}

/** Advances the tenant's clock to `day` (a calendar date) plus `extraDays`, never backwards, and runs the scheduler. */
async function advanceTo(t: Tenant, day: string, extraDays = 0) {
  const now = await store.services.testClock.now(t.scope);
  const target = Date.parse(`${day}T00:00:01Z`) + extraDays * DAY * 1000;
  return advance(t, Math.max(0, Math.ceil((target - now.getTime()) / 1000)));
}

const mandate = (t: Tenant, last4: string) =>
  store.services.mandates.create(t.scope, {
    customerId: t.customerId,
    bankCode: '058',
    accountNumber: `012345${last4}`,
    accountName: 'Ada Obi',
  });

/** Expects `promise` to reject with a ServiceError `state_conflict`, and returns its message. */
async function conflict(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe('state_conflict');
  return (error as ServiceError).message;
}

/**
 * How one machine is exercised: `reach` brings a new object into a state (told the action to come,
 * so it can pick e.g. the account number the rail answers on), `act` applies an action, `read`
 * returns the current state. `refused` says how an action the table does not allow is refused:
 * `'exact'` (409 with `stateConflictMessage`), `'names_state'` (409 naming the current state), or
 * `'no_op'` for work that is not a public operation (the scheduler or a rail answer), which skips an
 * object not in the state it works on, leaving it unchanged.
 */
interface Harness<S extends string, A extends string> {
  machine: StateMachine<S, A>;
  reach(t: Tenant, state: S, action: A): Promise<string>;
  act(t: Tenant, id: string, action: A): Promise<unknown>;
  read(t: Tenant, id: string): Promise<S>;
  refused: Record<A, 'exact' | 'names_state' | 'no_op'>;
  /** The state after an allowed action, when the operation applies more than that one row of the table. */
  expected?(state: S, action: A): S;
}

function cover<S extends string, A extends string>(h: Harness<S, A>) {
  const { machine } = h;
  describe(`${machine.name}`, () => {
    it('maps every action of the table', () => {
      expect(Object.keys(h.refused).sort()).toEqual([...machine.actions].sort());
    });

    const cases = machine.states.flatMap((state) => machine.actions.map((action) => [state, action] as const));
    it.each(cases)(`%s --%s-->`, async (state, action) => {
      const t = await tenant();
      const id = await h.reach(t, state, action);
      expect(await h.read(t, id)).toBe(state);
      const allowed = machine.can(state, action);
      const expected = h.expected ? h.expected(state, action) : allowed ? machine.next(state, action) : state;
      if (allowed || h.refused[action] === 'no_op') {
        await h.act(t, id, action);
        expect(await h.read(t, id)).toBe(expected);
        return;
      }
      const message = await conflict(h.act(t, id, action));
      if (h.refused[action] === 'exact') expect(message).toBe(stateConflictMessage(machine, state, action));
      else expect(message).toMatch(new RegExp(`\\b${state}\\b`));
      expect(await h.read(t, id)).toBe(state);
    });
  });
}

// ----------------------------------------------------------------------------------- applications

cover({
  machine: LOAN_APPLICATION,
  async reach(t, state) {
    const { id } = await apply(t);
    const apps = store.services.loanApplications;
    if (state === 'approved') await approve(t, id);
    if (state === 'rejected') await apps.reject(t.scope, id, { reason: 'Thin file' });
    if (state === 'withdrawn') await apps.withdraw(t.scope, id);
    return id;
  },
  act(t, id, action) {
    const apps = store.services.loanApplications;
    if (action === 'approve') return approve(t, id);
    if (action === 'reject') return apps.reject(t.scope, id, { reason: 'Thin file' });
    return apps.withdraw(t.scope, id);
  },
  read: async (t, id) => (await store.services.loanApplications.get(t.scope, id)).status,
  refused: { approve: 'exact', reject: 'exact', withdraw: 'exact' },
});

// ----------------------------------------------------------------------------------------- offers

cover({
  machine: LOAN_OFFER,
  async reach(t, state) {
    const id = await openOffer(t);
    if (state === 'accepted') await store.services.loans.acceptOffer(t.scope, id);
    if (state === 'declined') await store.services.loans.declineOffer(t.scope, id);
    if (state === 'expired') await advance(t, 7 * DAY + 1);
    return id;
  },
  async act(t, id, action) {
    if (action === 'accept') return store.services.loans.acceptOffer(t.scope, id);
    if (action === 'decline') return store.services.loans.declineOffer(t.scope, id);
    // `expire` is not a public operation: the scheduler expires open offers past `expiresAt`, and
    // skips offers in any other state.
    const before = (await store.services.loans.getOffer(t.scope, id)).status;
    const report = await advance(t, 7 * DAY + 1);
    expect(report.offersExpired).toBe(before === 'open' ? 1 : 0);
    return report;
  },
  read: async (t, id) => (await store.services.loans.getOffer(t.scope, id)).status,
  refused: { accept: 'exact', decline: 'exact', expire: 'no_op' },
});

describe('loan_offer guards', () => {
  it('refuses to accept an open offer past its expiry before the scheduler has marked it, leaving it open', async () => {
    const t = await tenant();
    const id = await openOffer(t);
    await store.services.testClock.advance(t.scope.accountId, 7 * DAY + 1);
    const message = await conflict(store.services.loans.acceptOffer(t.scope, id));
    expect(message).toMatch(/expired/);
    const offer = await store.services.loans.getOffer(t.scope, id);
    expect(offer.status).toBe('open');
    expect(offer.loanId).toBeNull();
    expect((await store.services.loans.list(t.scope, { limit: 10 })).data).toHaveLength(0);
  });

  it('the scheduler reports one expiry for an open offer past its expiry, none for one before it', async () => {
    const t = await tenant();
    const id = await openOffer(t);
    expect((await advance(t, 7 * DAY - 60)).offersExpired).toBe(0);
    expect((await store.services.loans.getOffer(t.scope, id)).status).toBe('open');
    expect((await advance(t, 61)).offersExpired).toBe(1);
    expect((await advance(t, DAY)).offersExpired).toBe(0);
    expect((await store.services.loans.getOffer(t.scope, id)).status).toBe('expired');
  });
});

// ------------------------------------------------------------------------------------------ loans

async function outstanding(t: Tenant, id: string) {
  return (await store.services.loans.get(t.scope, id)).outstanding.total.amount;
}

cover({
  machine: LOAN,
  async reach(t, state) {
    if (state === 'pending_disbursement') return pendingLoan(t);
    const id = await activeLoan(t);
    if (state === 'paid_off') await store.services.loans.repay(t.scope, id, { amount: await outstanding(t, id) });
    if (state === 'written_off') await store.services.loans.writeOff(t.scope, id);
    return id;
  },
  async act(t, id, action) {
    if (action === 'disburse') return store.services.loans.disburse(t.scope, id);
    if (action === 'write_off') return store.services.loans.writeOff(t.scope, id);
    // `pay_off` is not a public operation: a repayment of everything still owed pays the loan off.
    // A repayment of a loan that is not active is refused naming its state.
    return store.services.loans.repay(t.scope, id, { amount: Math.max(1, await outstanding(t, id)) });
  },
  read: async (t, id) => (await store.services.loans.get(t.scope, id)).status,
  refused: { disburse: 'exact', write_off: 'exact', pay_off: 'names_state' },
});

describe('loan guards', () => {
  it('a repayment of less than the outstanding total leaves the loan active (pay_off needs zero outstanding)', async () => {
    const t = await tenant();
    const id = await activeLoan(t);
    const owed = await outstanding(t, id);
    await store.services.loans.repay(t.scope, id, { amount: owed - 1 });
    expect((await store.services.loans.get(t.scope, id)).status).toBe('active');
    await store.services.loans.repay(t.scope, id, { amount: 1 });
    const loan = await store.services.loans.get(t.scope, id);
    expect(loan.status).toBe('paid_off');
    expect(loan.outstanding.total.amount).toBe(0);
  });

  it('a refused repayment of a loan pending disbursement records nothing', async () => {
    const t = await tenant();
    const id = await pendingLoan(t);
    const message = await conflict(store.services.loans.repay(t.scope, id, { amount: 1000 }));
    expect(message).toBe('Cannot repay a loan that is pending_disbursement (allowed from: active)');
    expect((await store.services.loans.listRepayments(t.scope, id, { limit: 10 })).data).toHaveLength(0);
  });
});

// ----------------------------------------------------------------------------------- installments

async function firstInstallment(t: Tenant, loanId: string) {
  return (await store.services.loans.schedule(t.scope, loanId)).data[0]!;
}

cover({
  machine: INSTALLMENT,
  async reach(t, state) {
    const id = await activeLoan(t);
    const first = await firstInstallment(t, id);
    if (state === 'due') await advanceTo(t, first.dueDate);
    if (state === 'overdue') await advanceTo(t, first.dueDate, 1);
    if (state === 'partially_paid') await store.services.loans.repay(t.scope, id, { amount: 1000 });
    if (state === 'paid') await store.services.loans.repay(t.scope, id, { amount: first.total.amount });
    return id;
  },
  async act(t, id, action) {
    const first = await firstInstallment(t, id);
    // `fall_due` and `pass_grace` are not public operations: the scheduler applies them when the
    // tenant's clock reaches the due date, and the day after it.
    if (action === 'fall_due') return advanceTo(t, first.dueDate);
    if (action === 'pass_grace') return advanceTo(t, first.dueDate, 1);
    // `pay_in_full` and `pay_part` are manual repayments: of what installment 1 still owes, or of 1 kobo.
    // A paid installment takes no more: the repayment goes to installment 2.
    const left = first.total.amount - first.paid.amount;
    const amount = action === 'pay_part' ? 1 : left > 0 ? left : first.total.amount;
    return store.services.loans.repay(t.scope, id, { amount });
  },
  read: async (t, id) => (await firstInstallment(t, id)).status,
  // Time and payments never conflict: the scheduler moves only installments its step applies to, and
  // a payment allocates oldest unpaid first, so an action the table does not allow leaves the state.
  refused: { fall_due: 'no_op', pay_in_full: 'no_op', pay_part: 'no_op', pass_grace: 'no_op' },
  expected(state, action) {
    const step = (s: typeof state, a: typeof action) => INSTALLMENT.next(s, a) ?? s;
    // One scheduler run the day after the due date first falls an upcoming installment due, then overdue.
    if (action === 'pass_grace') return step(step(state, 'fall_due'), 'pass_grace');
    return step(state, action);
  },
});

describe('installment payments past their due date', () => {
  it('a payment of a paid installment goes to the next one', async () => {
    const t = await tenant();
    const id = await activeLoan(t);
    const [first, second] = (await store.services.loans.schedule(t.scope, id)).data;
    await store.services.loans.repay(t.scope, id, { amount: first!.total.amount + 5 });
    const after = (await store.services.loans.schedule(t.scope, id)).data;
    expect(after[0]).toMatchObject({ status: 'paid', paid: first!.total });
    expect(after[1]).toMatchObject({ status: 'partially_paid', paid: { amount: 5 } });
    expect(second!.status).toBe('upcoming');
  });
});

// ------------------------------------------------------------------------------------- repayments

/**
 * A rail that answers as the simulator but holds each collection until released, so a test can look
 * at a collection while it is pending. The rail is the outside boundary of the core (a bank), and the
 * answers are the simulator's own.
 */
function gatedRail(services: Services) {
  const inner = createRailSimulator(dbPayoutBook(store.handle.db, store.clock.now));
  let reached!: () => void;
  let release!: () => void;
  const atGate = new Promise<void>((r) => {
    reached = r;
  });
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const rail: PaymentRail = {
    ...inner,
    async collect(input) {
      reached();
      await gate;
      return inner.collect(input);
    },
  };
  const gated = createServices({
    db: store.handle.db,
    now: store.clock.now,
    secretBox: services.ctx.secretBox!,
    rail,
  });
  return { gated, atGate, release };
}

/** A loan of `t` disbursed with an active mandate on an account ending in `last4`, at its first due date. */
async function collectableLoan(t: Tenant, last4: string) {
  await mandate(t, last4);
  await advance(t, 1);
  const id = await activeLoan(t);
  const first = await firstInstallment(t, id);
  // Up to the day before the due date: the run at the due date collects.
  await advanceTo(t, first.dueDate, -1);
  return { id, dueDate: first.dueDate };
}

const repaymentIds = new Map<string, { loanId: string; running?: Promise<unknown>; release?: () => void }>();

cover({
  machine: REPAYMENT,
  async reach(t, state, action) {
    if (state === 'succeeded') {
      const id = await activeLoan(t);
      const repayment = await store.services.loans.repay(t.scope, id, { amount: 1000 });
      repaymentIds.set(repayment.id, { loanId: id });
      return repayment.id;
    }
    // 0005: the first collection of an installment fails with insufficient funds; 1234 succeeds.
    const { id: loanId, dueDate } = await collectableLoan(t, state === 'failed' || action === 'fail' ? '0005' : '1234');
    if (state === 'failed') {
      await advanceTo(t, dueDate);
      const [failed] = (await store.services.loans.listRepayments(t.scope, loanId, { limit: 10 })).data;
      repaymentIds.set(failed!.id, { loanId });
      return failed!.id;
    }
    // Pending: the scheduler has claimed the collection and the rail has not answered yet.
    const { gated, atGate, release } = gatedRail(store.services);
    const now = await store.services.testClock.advance(t.scope.accountId, DAY);
    const running = gated.lendingScheduler.run({ scope: t.scope, now });
    await atGate;
    const [pending] = (await store.services.loans.listRepayments(t.scope, loanId, { limit: 10 })).data;
    repaymentIds.set(pending!.id, { loanId, running, release });
    return pending!.id;
  },
  async act(_t, id, action) {
    // `succeed` and `fail` are not public operations: the scheduler settles or fails a collection on
    // the rail's answer. A pending one is released to the rail; one already settled is left alone by
    // `settleCollection` / `failCollection` (they answer null), which the scheduler relies on to be
    // safe to repeat.
    const held = repaymentIds.get(id)!;
    if (held.running) {
      held.release!();
      return held.running;
    }
    const loans = store.services.loans;
    const answer =
      action === 'succeed' ? await loans.settleCollection(id) : await loans.failCollection(id, 'x', 'late answer');
    expect(answer).toBeNull();
    return answer;
  },
  read: async (t, id) => (await store.services.loans.getRepayment(t.scope, id)).status,
  refused: { succeed: 'no_op', fail: 'no_op' },
});

// --------------------------------------------------------------------------------------- mandates

cover({
  machine: MANDATE,
  async reach(t, state, action) {
    // 1234 activates, 0004 is rejected by the bank.
    const last4 = state === 'failed' || (state === 'pending' && action === 'fail') ? '0004' : '1234';
    const { id } = await mandate(t, last4);
    if (state !== 'pending') await advance(t, 1);
    if (state === 'cancelled') await store.services.mandates.cancel(t.scope, id);
    return id;
  },
  async act(t, id, action) {
    if (action === 'cancel') return store.services.mandates.cancel(t.scope, id);
    // `activate` and `fail` are not public operations: the scheduler sets a pending mandate up
    // through the rail (whose answer depends on the account number) and skips any other.
    const before = await store.services.mandates.get(t.scope, id);
    const report = await advance(t, 1);
    expect(report.mandatesSetUp).toBe(before.status === 'pending' ? 1 : 0);
    // The set-up itself is safe to repeat: a mandate no longer pending keeps its state.
    expect(await store.services.mandates.processSetup(id)).toBe(
      (await store.services.mandates.get(t.scope, id)).status,
    );
    return report;
  },
  read: async (t, id) => (await store.services.mandates.get(t.scope, id)).status,
  refused: { activate: 'no_op', fail: 'no_op', cancel: 'exact' },
});

describe('mandate failures', () => {
  it('a mandate the bank rejects fails with the rail code and is never used to collect', async () => {
    const t = await tenant();
    const { id } = await mandate(t, '0004');
    await advance(t, 1);
    const failed = await store.services.mandates.get(t.scope, id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'mandate_rejected' });
    const loanId = await activeLoan(t);
    const first = await firstInstallment(t, loanId);
    await advanceTo(t, first.dueDate, 1);
    expect((await store.services.loans.listRepayments(t.scope, loanId, { limit: 10 })).data).toHaveLength(0);
  });
});
