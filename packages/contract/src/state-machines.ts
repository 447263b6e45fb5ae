/**
 * The lifecycles of the lending and money resources (DESIGN §4), each written once as a table of
 * allowed transitions. Services apply a transition as a compare-and-set
 * (`UPDATE … SET state = <to> WHERE id = $1 AND state = <from>`), so two workers cannot both move a
 * row; a refused transition is 409 `state_conflict` with {@link stateConflictMessage}. The docs page
 * (`docs/state-machines.md`) is generated from the same tables by {@link stateMachinesMarkdown}, and a
 * test compares the two, so the docs cannot drift from the code.
 *
 * Pure data and functions: no database, no zod, safe to ship in the SDK bundle.
 */

/** One row of a machine's table as written: `from` may list several states sharing a rule. */
export interface TransitionRule<S extends string = string, A extends string = string> {
  readonly from: S | readonly S[];
  readonly action: A;
  readonly to: S;
  /** A human description of the condition the service checks besides the state, for the docs. */
  readonly guard?: string;
}

/** One allowed transition, with a single `from` state (rules are expanded into these). */
export interface Transition<S extends string = string, A extends string = string> {
  readonly from: S;
  readonly action: A;
  readonly to: S;
  readonly guard?: string;
}

/** What {@link defineMachine} takes. */
export interface MachineDefinition<S extends string, A extends string> {
  /** The resource's `object` name in snake_case (`loan_offer`), used in messages and the docs. */
  readonly name: string;
  readonly states: readonly S[];
  readonly initial: NoInfer<S>;
  readonly transitions: readonly TransitionRule<NoInfer<S>, A>[];
  /** Modelling notes shown under the machine's heading in the docs. */
  readonly description?: string;
}

/** A machine built from its table: lookups answer from the table, never from code paths. */
export interface StateMachine<S extends string = string, A extends string = string> {
  readonly name: string;
  readonly description: string | undefined;
  readonly states: readonly S[];
  readonly initial: S;
  /** Every action that appears in the table, in table order. */
  readonly actions: readonly A[];
  /** The table with one row per `from` state, in table order. */
  readonly transitions: readonly Transition<S, A>[];
  /** States with no outgoing transition: once there, a resource stays there. */
  readonly terminal: readonly S[];
  /** Whether `action` is allowed from `from` (guards are the service's business). */
  can(from: S, action: A): boolean;
  /** The state `action` leads to from `from`, or null when the table does not allow it. */
  next(from: S, action: A): S | null;
  /** The actions allowed from `state`, in table order. */
  actionsFrom(state: S): readonly A[];
  /** The states `action` is allowed from, in state order (for conflict messages). */
  statesAllowing(action: A): readonly S[];
  /** The machine as a Mermaid `stateDiagram-v2`, one edge per transition. */
  mermaid(): string;
}

/** The state type of a machine. */
export type StateOf<M> = M extends StateMachine<infer S, string> ? S : never;
/** The action type of a machine. */
export type ActionOf<M> = M extends StateMachine<string, infer A> ? A : never;

/**
 * Builds a machine from its table. Throws on a table that cannot be right: an unknown state, two
 * rules for the same (state, action) (a machine must be deterministic for compare-and-set), or a
 * state unreachable from `initial` (a typo or a forgotten rule). Checked at import, so a bad table
 * fails every test rather than one request in production.
 */
export function defineMachine<const S extends string, const A extends string>(
  definition: MachineDefinition<S, A>,
): StateMachine<S, A> {
  const { name, states, initial } = definition;
  const known = new Set<string>(states);
  const check = (state: string, where: string) => {
    if (!known.has(state)) throw new Error(`State machine ${name}: ${where} names unknown state '${state}'`);
  };
  check(initial, 'initial');

  const transitions: Transition<S, A>[] = [];
  const byKey = new Map<string, Transition<S, A>>();
  for (const rule of definition.transitions) {
    check(rule.to, `action '${rule.action}'`);
    const froms: readonly S[] = typeof rule.from === 'string' ? [rule.from as S] : (rule.from as readonly S[]);
    for (const from of froms) {
      check(from, `action '${rule.action}'`);
      const key = `${from}\u0000${rule.action}`;
      if (byKey.has(key)) throw new Error(`State machine ${name}: '${rule.action}' from '${from}' is defined twice`);
      const transition: Transition<S, A> =
        rule.guard === undefined
          ? { from, action: rule.action, to: rule.to }
          : { from, action: rule.action, to: rule.to, guard: rule.guard };
      byKey.set(key, transition);
      transitions.push(transition);
    }
  }

  const reached = new Set<string>([initial]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of transitions) {
      if (reached.has(t.from) && !reached.has(t.to)) {
        reached.add(t.to);
        grew = true;
      }
    }
  }
  const unreachable = states.filter((s) => !reached.has(s));
  if (unreachable.length > 0) {
    throw new Error(`State machine ${name}: unreachable from '${initial}': ${unreachable.join(', ')}`);
  }

  const actions = [...new Set(transitions.map((t) => t.action))];
  const terminal = states.filter((s) => !transitions.some((t) => t.from === s));

  return {
    name,
    description: definition.description,
    states,
    initial,
    actions,
    transitions,
    terminal,
    can: (from, action) => byKey.has(`${from}\u0000${action}`),
    next: (from, action) => byKey.get(`${from}\u0000${action}`)?.to ?? null,
    actionsFrom: (state) => transitions.filter((t) => t.from === state).map((t) => t.action),
    statesAllowing: (action) => states.filter((s) => byKey.has(`${s}\u0000${action}`)),
    mermaid: () => {
      const lines = ['stateDiagram-v2', `    [*] --> ${initial}`];
      for (const t of transitions) {
        lines.push(`    ${t.from} --> ${t.to}: ${t.action}${t.guard === undefined ? '' : ` [${t.guard}]`}`);
      }
      for (const s of terminal) lines.push(`    ${s} --> [*]`);
      return lines.join('\n');
    },
  };
}

/**
 * The message of a 409 `state_conflict`: names the current state, which is what a caller needs to
 * decide whether to refetch or give up, and the states the action is allowed from.
 * E.g. "Cannot accept a loan_offer that is expired (allowed from: open)".
 */
export function stateConflictMessage<S extends string, A extends string>(
  machine: StateMachine<S, A>,
  current: S,
  action: A,
): string {
  const allowed = machine.statesAllowing(action);
  const article = /^[aeiou]/i.test(machine.name) ? 'an' : 'a';
  return `Cannot ${action} ${article} ${machine.name} that is ${current} (allowed from: ${
    allowed.length > 0 ? allowed.join(', ') : 'none'
  })`;
}

/** DESIGN §4: a partner submits; the platform approves (creating an offer) or rejects; the partner may withdraw. */
export const LOAN_APPLICATION = defineMachine({
  name: 'loan_application',
  states: ['submitted', 'approved', 'rejected', 'withdrawn'],
  initial: 'submitted',
  transitions: [
    { from: 'submitted', action: 'approve', to: 'approved' },
    { from: 'submitted', action: 'reject', to: 'rejected' },
    { from: 'submitted', action: 'withdraw', to: 'withdrawn' },
  ],
});

/** DESIGN §4: an offer is accepted (creating a loan), declined, or expires when its expiry passes. */
export const LOAN_OFFER = defineMachine({
  name: 'loan_offer',
  states: ['open', 'accepted', 'declined', 'expired'],
  initial: 'open',
  transitions: [
    { from: 'open', action: 'accept', to: 'accepted', guard: 'not expired' },
    { from: 'open', action: 'decline', to: 'declined' },
    { from: 'open', action: 'expire', to: 'expired', guard: 'expiry has passed' },
  ],
});

/**
 * DESIGN §4. Delinquency (days past due, bucket, `loan.overdue`) is an attribute of an `active` loan,
 * not a state: an overdue loan can still be paid off or written off like any active one.
 */
export const LOAN = defineMachine({
  name: 'loan',
  states: ['pending_disbursement', 'active', 'paid_off', 'written_off'],
  initial: 'pending_disbursement',
  transitions: [
    { from: 'pending_disbursement', action: 'disburse', to: 'active' },
    { from: 'active', action: 'pay_off', to: 'paid_off', guard: 'outstanding total is zero' },
    { from: 'active', action: 'write_off', to: 'written_off' },
  ],
  description: 'Delinquency (days past due, bucket, `loan.overdue`) is an attribute of an `active` loan, not a state.',
});

/**
 * Installments (DESIGN §4). Modelling choices:
 * - Payments allocate oldest installment first and may span into later ones, so an `upcoming`
 *   installment can be paid early, in part or in full.
 * - `partially_paid` means "some paid, not past due": it covers both before and after the due date,
 *   so `fall_due` is not an action of it (the due date on the row says which).
 * - `overdue` is sticky until paid in full: a partial payment of an overdue installment leaves it
 *   `overdue`, because delinquency counts from the due date and a part payment does not cure it.
 * - Further part payments keep the state (self-transitions), still applied as compare-and-set so a
 *   concurrent `pass_grace` or full payment is noticed.
 */
export const INSTALLMENT = defineMachine({
  name: 'installment',
  states: ['upcoming', 'due', 'partially_paid', 'overdue', 'paid'],
  initial: 'upcoming',
  transitions: [
    { from: 'upcoming', action: 'fall_due', to: 'due', guard: 'due date reached' },
    { from: ['upcoming', 'due', 'partially_paid', 'overdue'], action: 'pay_in_full', to: 'paid' },
    { from: ['upcoming', 'due', 'partially_paid'], action: 'pay_part', to: 'partially_paid' },
    { from: 'overdue', action: 'pay_part', to: 'overdue' },
    { from: ['due', 'partially_paid'], action: 'pass_grace', to: 'overdue', guard: 'due date passed unpaid' },
  ],
  description:
    'Payments allocate oldest installment first and may span into later ones, so an `upcoming` installment can be paid early. ' +
    '`partially_paid` means some is paid and the installment is not past due (before or after its due date). ' +
    'An `overdue` installment stays `overdue` until paid in full: a part payment does not cure delinquency.',
});

/** A repayment (manual or a mandate collection) settles or fails once; a retry is a new repayment. */
export const REPAYMENT = defineMachine({
  name: 'repayment',
  states: ['pending', 'succeeded', 'failed'],
  initial: 'pending',
  transitions: [
    { from: 'pending', action: 'succeed', to: 'succeeded' },
    { from: 'pending', action: 'fail', to: 'failed' },
  ],
  description: 'A failed collection is retried as a new repayment, so `failed` is final.',
});

/** DESIGN §4: set-up through the rail activates asynchronously or fails; an active mandate can be cancelled. */
export const MANDATE = defineMachine({
  name: 'mandate',
  states: ['pending', 'active', 'failed', 'cancelled'],
  initial: 'pending',
  transitions: [
    { from: 'pending', action: 'activate', to: 'active' },
    { from: 'pending', action: 'fail', to: 'failed' },
    { from: 'active', action: 'cancel', to: 'cancelled' },
  ],
});

/**
 * Withdrawals, as `packages/core/src/services/withdrawals.ts` moves them: the payout job takes a
 * pending withdrawal to `processing` before calling the rail, and only a `processing` one settles or
 * fails (a retryable rail failure keeps it `processing` for the job's next attempt).
 */
export const WITHDRAWAL = defineMachine({
  name: 'withdrawal',
  states: ['pending', 'processing', 'succeeded', 'failed'],
  initial: 'pending',
  transitions: [
    { from: 'pending', action: 'process', to: 'processing' },
    { from: 'processing', action: 'succeed', to: 'succeeded' },
    { from: 'processing', action: 'fail', to: 'failed', guard: 'rail failure is final' },
  ],
  description:
    'The payout job moves a withdrawal to `processing` before calling the rail; a retryable rail failure keeps it `processing` until the last attempt.',
});

/** Every machine, in the order the docs show them. */
export const STATE_MACHINES = [
  LOAN_APPLICATION,
  LOAN_OFFER,
  LOAN,
  INSTALLMENT,
  REPAYMENT,
  MANDATE,
  WITHDRAWAL,
] as const satisfies readonly StateMachine[];

/** The command that rewrites `docs/state-machines.md`; the drift test names it. */
export const STATE_MACHINES_DOC_COMMAND = 'pnpm tsx scripts/generate-state-machines-doc.ts';

/** The `docs/state-machines.md` page: per machine a heading, the Mermaid diagram and the table. */
export function stateMachinesMarkdown(): string {
  const code = (s: string) => `\`${s}\``;
  const out: string[] = [
    '# State machines',
    '',
    `<!-- Generated from packages/contract/src/state-machines.ts by \`${STATE_MACHINES_DOC_COMMAND}\`. Do not edit by hand. -->`,
    '',
    'Each resource moves only along the transitions below. The API applies a transition as a compare-and-set on the ' +
      "resource's current state, so two concurrent requests cannot both move it; a refused transition answers " +
      '409 `state_conflict`, naming the current state and the states the action is allowed from.',
  ];
  for (const m of STATE_MACHINES) {
    const machine = m as StateMachine;
    out.push('', `## ${code(machine.name)}`, '');
    if (machine.description !== undefined) out.push(machine.description, '');
    out.push(
      `Initial state: ${code(machine.initial)}. Terminal: ${machine.terminal.map(code).join(', ')}.`,
      '',
      '```mermaid',
      machine.mermaid(),
      '```',
      '',
      '| From | Action | To | Guard |',
      '| --- | --- | --- | --- |',
    );
    for (const t of machine.transitions) {
      out.push(`| ${code(t.from)} | ${code(t.action)} | ${code(t.to)} | ${t.guard ?? ''} |`);
    }
  }
  return `${out.join('\n')}\n`;
}
