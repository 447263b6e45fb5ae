/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  defineMachine,
  INSTALLMENT,
  LOAN,
  LOAN_APPLICATION,
  LOAN_OFFER,
  MANDATE,
  REPAYMENT,
  STATE_MACHINES,
  STATE_MACHINES_DOC_COMMAND,
  type StateMachine,
  stateConflictMessage,
  stateMachinesMarkdown,
  WITHDRAWAL,
} from '../src/state-machines.js';

// The expected tables, written out again by hand as `from action to` lines: a change to a machine
// must be made twice, here and in the source, so an accidental edit fails this test.
const expected: [StateMachine, string[]][] = [
  [LOAN_APPLICATION, ['submitted approve approved', 'submitted reject rejected', 'submitted withdraw withdrawn']],
  [LOAN_OFFER, ['open accept accepted', 'open decline declined', 'open expire expired']],
  [LOAN, ['pending_disbursement disburse active', 'active pay_off paid_off', 'active write_off written_off']],
  [
    INSTALLMENT,
    [
      'upcoming fall_due due',
      'upcoming pay_in_full paid',
      'due pay_in_full paid',
      'partially_paid pay_in_full paid',
      'overdue pay_in_full paid',
      'upcoming pay_part partially_paid',
      'due pay_part partially_paid',
      'partially_paid pay_part partially_paid',
      'overdue pay_part overdue',
      'due pass_grace overdue',
      'partially_paid pass_grace overdue',
    ],
  ],
  [REPAYMENT, ['pending succeed succeeded', 'pending fail failed']],
  [MANDATE, ['pending activate active', 'pending fail failed', 'active cancel cancelled']],
  [WITHDRAWAL, ['pending process processing', 'processing succeed succeeded', 'processing fail failed']],
];

const expectedTerminal: Record<string, string[]> = {
  loan_application: ['approved', 'rejected', 'withdrawn'],
  loan_offer: ['accepted', 'declined', 'expired'],
  loan: ['paid_off', 'written_off'],
  installment: ['paid'],
  repayment: ['succeeded', 'failed'],
  mandate: ['failed', 'cancelled'],
  withdrawal: ['succeeded', 'failed'],
};

describe('state machines', () => {
  it('covers every machine of the lending and money resources, each once', () => {
    expect(STATE_MACHINES.map((m) => m.name)).toEqual(expected.map(([m]) => m.name));
  });

  describe.each(expected.map(([machine, rows]) => ({ name: machine.name, machine, rows })))(
    '$name',
    ({ machine, rows }) => {
      const allowed = new Map(
        rows.map((row) => {
          const [from, action, to] = row.split(' ') as [string, string, string];
          return [`${from} ${action}`, to];
        }),
      );
      const pairs = machine.states.flatMap((state) => machine.actions.map((action) => ({ state, action })));

      it('has exactly the expected transitions', () => {
        expect(machine.transitions.map((t) => `${t.from} ${t.action} ${t.to}`)).toEqual(rows);
      });

      it.each(pairs)('$action from $state goes where the table says, or is refused', ({ state, action }) => {
        const to = allowed.get(`${state} ${action}`) ?? null;
        expect(machine.next(state, action)).toBe(to);
        expect(machine.can(state, action)).toBe(to !== null);
        if (to === null) {
          const message = stateConflictMessage(machine, state, action);
          expect(message).toContain(`that is ${state} (`);
          expect(message).toContain(`allowed from: ${machine.statesAllowing(action).join(', ')})`);
        }
      });

      it('lists the actions allowed from each state', () => {
        for (const state of machine.states) {
          const actions = rows.filter((row) => row.startsWith(`${state} `)).map((row) => row.split(' ')[1]);
          expect(machine.actionsFrom(state)).toEqual(actions);
        }
      });

      it('has terminal states with no actions, and every other state has some', () => {
        expect(machine.terminal).toEqual(expectedTerminal[machine.name]);
        for (const state of machine.states) {
          expect(machine.actionsFrom(state).length === 0).toBe(machine.terminal.includes(state));
        }
      });

      it('draws one Mermaid edge per transition, from the initial state to the terminal ones', () => {
        const lines = machine.mermaid().split('\n');
        expect(lines[0]).toBe('stateDiagram-v2');
        expect(lines).toContain(`    [*] --> ${machine.initial}`);
        const edges = lines.filter((line) => /^ {4}\w+ --> \w+: /.test(line));
        expect(edges).toHaveLength(machine.transitions.length);
        for (const t of machine.transitions) {
          const guard = t.guard === undefined ? '' : ` [${t.guard}]`;
          expect(edges).toContain(`    ${t.from} --> ${t.to}: ${t.action}${guard}`);
        }
        const ends = lines.filter((line) => line.endsWith(' --> [*]')).map((line) => line.trim().split(' ')[0]);
        expect(ends).toEqual(machine.terminal);
      });
    },
  );

  it('guards accept of an offer and pay-off of a loan, as described in DESIGN §4', () => {
    expect(LOAN_OFFER.transitions.find((t) => t.action === 'accept')?.guard).toBe('not expired');
    expect(LOAN.transitions.find((t) => t.action === 'pay_off')?.guard).toBe('outstanding total is zero');
  });
});

describe('stateConflictMessage', () => {
  it('names the action, the resource, its current state and where the action is allowed from', () => {
    expect(stateConflictMessage(LOAN_OFFER, 'expired', 'accept')).toBe(
      'Cannot accept a loan_offer that is expired (allowed from: open)',
    );
    expect(stateConflictMessage(INSTALLMENT, 'paid', 'pass_grace')).toBe(
      'Cannot pass_grace an installment that is paid (allowed from: due, partially_paid)',
    );
  });
});

describe('defineMachine', () => {
  it('refuses a transition to a state the machine does not list', () => {
    expect(() =>
      defineMachine({
        name: 'thing',
        states: ['a', 'b'],
        initial: 'a',
        transitions: [{ from: 'a', action: 'go', to: 'c' as 'b' }],
      }),
    ).toThrow("State machine thing: action 'go' names unknown state 'c'");
  });

  it('refuses two rules for the same state and action, since compare-and-set needs one answer', () => {
    expect(() =>
      defineMachine({
        name: 'thing',
        states: ['a', 'b', 'c'],
        initial: 'a',
        transitions: [
          { from: 'a', action: 'go', to: 'b' },
          { from: ['b', 'a'], action: 'go', to: 'c' },
        ],
      }),
    ).toThrow("State machine thing: 'go' from 'a' is defined twice");
  });

  it('refuses a state no transition reaches from the initial one', () => {
    expect(() =>
      defineMachine({
        name: 'thing',
        states: ['a', 'b', 'orphan'],
        initial: 'a',
        transitions: [{ from: 'a', action: 'go', to: 'b' }],
      }),
    ).toThrow("State machine thing: unreachable from 'a': orphan");
  });
});

describe('docs/state-machines.md', () => {
  it('is what stateMachinesMarkdown() generates, so the docs cannot drift from the tables', () => {
    const path = fileURLToPath(new URL('../../../docs/state-machines.md', import.meta.url));
    const onDisk = readFileSync(path, 'utf8');
    expect(
      onDisk,
      `docs/state-machines.md is out of date: run \`${STATE_MACHINES_DOC_COMMAND}\` from the repository root`,
    ).toBe(stateMachinesMarkdown());
  });

  it('shows every machine with its diagram and its table', () => {
    const markdown = stateMachinesMarkdown();
    for (const machine of STATE_MACHINES) {
      expect(markdown).toContain(`## \`${machine.name}\``);
      expect(markdown).toContain(`\`\`\`mermaid\n${machine.mermaid()}\n\`\`\``);
    }
  });
});
