import os from 'node:os';
import { parseArgs } from 'node:util';
import { generateId } from '../packages/contract/src/index.js';
import {
  createDb,
  createSecretBox,
  createServices,
  type DbHandle,
  generateEncryptionKey,
  parseEncryptionKey,
  type SchedulerReport,
  type SecretBox,
  type Services,
  type TenantScope,
} from '../packages/core/src/index.js';
import {
  clientOf,
  DEFAULT_ADMIN_URL,
  describeError,
  InvalidRun,
  int,
  loggedDb,
  type PostgresJsClient,
  positiveInt,
  quantile,
  redact,
  statementCounter,
} from './support.js';

const CURRENCY = 'NGN';
const PRINCIPAL = 10_000_000;

const { values: args } = parseArgs({
  options: {
    loans: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '1,8,16' },
    'batch-size': { type: 'string', default: '10000' },
    term: { type: 'string', default: '6' },
    statements: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  // `pnpm bench:collections -- --json` passes the `--` through; parseArgs would stop reading options at it.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});

const loanCount = positiveInt('loans', args.loans);
const concurrencies = args.concurrency.split(',').map((c) => positiveInt('concurrency', c.trim()));
const batchSize = positiveInt('batch-size', args['batch-size']);
const termMonths = positiveInt('term', args.term);

/** With `--json`, stdout carries only the JSON document. */
const log = (line = '') => (args.json ? process.stderr : process.stdout).write(`${line}\n`);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A database created for one round on the Postgres server, and how to drop it. */
interface Round {
  name: string;
  handle: DbHandle;
  client: PostgresJsClient;
  drop(): Promise<void>;
}

async function openAdmin(adminUrl: string): Promise<{ admin: DbHandle } | { reason: string }> {
  const admin = await createDb({ databaseUrl: adminUrl, migrate: false, maxConnections: 1 });
  try {
    await withTimeout(clientOf(admin).unsafe('select 1'), 5_000, 'connect');
    return { admin };
  } catch (error) {
    await admin.close().catch(() => {});
    return { reason: `${redact(adminUrl)}: ${describeError(error)}` };
  }
}

async function openRound(admin: DbHandle, adminUrl: string, concurrency: number): Promise<Round> {
  const adminClient = clientOf(admin);
  const name = `lendwire_bench_coll_${Date.now().toString(36)}_${process.pid}`;
  await adminClient.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminClient.unsafe(`drop database if exists ${name} with (force)`);
  };
  try {
    // A collection holds one connection per lane at a time (its transaction, or its reads between
    // them); the rail simulator's book and the bench's own queries need a little more.
    const handle = await createDb({ databaseUrl: url.toString(), maxConnections: Math.max(10, concurrency + 2) });
    return { name, handle, client: clientOf(handle), drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** The tenant and the ids the run works on. */
interface Portfolio {
  scope: TenantScope;
  templateLoanId: string;
  loanIds: string[];
  firstDueDate: string;
  installmentAmount: number;
  setupSeconds: number;
}

/**
 * One loan through the services, then `loanCount − 1` copies of its rows with new ids (see the file
 * comment). The template's rows are what the services wrote, so the copies mirror them column for
 * column, whatever columns the schema has: each copy is the template row as JSON with its ids
 * replaced, turned back into a row by `jsonb_populate_record`.
 */
async function setUp(services: Services, client: PostgresJsClient, secretBox: SecretBox): Promise<Portfolio> {
  const started = performance.now();
  const account = await services.accounts.create({ name: 'Bench lender', contactEmail: 'bench@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const customer = await services.customers.create(scope, { name: 'Bench customer 0' });
  const mandate = await services.mandates.create(scope, {
    customerId: customer.id,
    bankCode: '058',
    accountNumber: '0000001234',
    accountName: 'Bench customer 0',
  });
  if ((await services.mandates.processSetup(mandate.id)) !== 'active') throw new Error('template mandate not active');
  const application = await services.loanApplications.create(scope, {
    customerId: customer.id,
    amount: { amount: PRINCIPAL, currency: CURRENCY },
    termMonths,
    purpose: 'Stock',
  });
  const approved = await services.loanApplications.approve(scope, application.id, {
    offer: {
      principal: { amount: PRINCIPAL, currency: CURRENCY },
      annualInterestRateBps: 2400,
      termMonths,
      amortization: 'equal_installments',
      originationFeeBps: 100,
    },
  });
  const accepted = await services.loans.acceptOffer(scope, approved.offerId!);
  const loan = await services.loans.disburse(scope, accepted.loanId!);
  if (loan.status !== 'active') throw new Error(`template loan is ${loan.status}`);
  const template = {
    customer: customer.id,
    mandate: mandate.id,
    application: application.id,
    offer: approved.offerId!,
    loan: loan.id,
  };

  const copies = loanCount - 1;
  const now = Date.now();
  const ids = {
    customer: [] as string[],
    mandate: [] as string[],
    application: [] as string[],
    offer: [] as string[],
    loan: [] as string[],
    sealed: [] as string[],
    name: [] as string[],
    transaction: [] as string[],
  };
  for (let k = 1; k <= copies; k++) {
    ids.customer.push(generateId('customer', now));
    ids.mandate.push(generateId('mandate', now));
    ids.application.push(generateId('loanApplication', now));
    ids.offer.push(generateId('loanOffer', now));
    ids.loan.push(generateId('loan', now));
    ids.name.push(`Bench customer ${k}`);
    ids.transaction.push(generateId('transaction', now));
  }
  // Each mandate its own account number (10 digits, ending 1234), sealed as the service seals it.
  ids.sealed = await Promise.all(
    ids.customer.map((_, k) => secretBox.encrypt(`${String(k + 1).padStart(6, '0')}1234`)),
  );

  /** Copies the template row(s) of `tableName` matched by `where`, once per new loan, with `set` replaced. */
  const copy = async (tableName: string, where: string, set: Record<string, string>) => {
    const overrides = Object.entries(set)
      .map(([column, expr]) => `'${column}', ${expr}`)
      .join(', ');
    await client.unsafe(
      `insert into ${tableName}
       select (jsonb_populate_record(null::${tableName}, to_jsonb(t) || jsonb_build_object(${overrides}))).*
       from ${tableName} t,
         unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           as n(customer_id, mandate_id, application_id, offer_id, loan_id, sealed, name, transaction_id)
       where ${where}`,
      [ids.customer, ids.mandate, ids.application, ids.offer, ids.loan, ids.sealed, ids.name, ids.transaction],
    );
    // Fresh statistics, or the foreign-key checks of the next copy scan this table for every row.
    await client.unsafe(`analyze ${tableName}`);
  };
  if (copies > 0) {
    await copy('customers', `t.id = '${template.customer}'`, { id: 'n.customer_id', name: 'n.name' });
    await copy('mandates', `t.id = '${template.mandate}'`, {
      id: 'n.mandate_id',
      customer_id: 'n.customer_id',
      account_number_encrypted: 'n.sealed',
      account_name: 'n.name',
    });
    await copy('loan_applications', `t.id = '${template.application}'`, {
      id: 'n.application_id',
      customer_id: 'n.customer_id',
      offer_id: 'n.offer_id',
    });
    await copy('loan_offers', `t.id = '${template.offer}'`, {
      id: 'n.offer_id',
      application_id: 'n.application_id',
      customer_id: 'n.customer_id',
      loan_id: 'n.loan_id',
    });
    await copy('loans', `t.id = '${template.loan}'`, {
      id: 'n.loan_id',
      application_id: 'n.application_id',
      offer_id: 'n.offer_id',
      customer_id: 'n.customer_id',
    });
    await copy('loan_installments', `t.loan_id = '${template.loan}'`, { loan_id: 'n.loan_id' });
    // The disbursement posting, as `loans.disburse` writes it: transaction, entries, balances.
    const [posting] = await client.unsafe('select id from ledger_transactions where reference = $1', [
      `${template.loan}:disburse`,
    ]);
    if (!posting) throw new Error('template loan has no disbursement posting');
    await copy('ledger_transactions', `t.id = '${posting.id}'`, {
      id: 'n.transaction_id',
      reference: `n.loan_id || ':disburse'`,
      description: `'Disbursement of loan ' || n.loan_id`,
    });
    await copy('ledger_entries', `t.transaction_id = '${posting.id}'`, { transaction_id: 'n.transaction_id' });
    await client.unsafe(
      `update ledger_accounts a set balance = a.balance + e.amount * $2::bigint
       from ledger_entries e where e.transaction_id = $1 and a.id = e.ledger_account_id`,
      [posting.id, copies],
    );
  }
  await client.unsafe('analyze');

  // Move the tenant's test clock to the first due date (06:00 UTC on it).
  const installment = (await services.loans.schedule(scope, loan.id)).data[0];
  if (!installment) throw new Error('template loan has no schedule');
  const first = installment.dueDate;
  const tenantNow = await services.testClock.now(scope);
  const target = Date.parse(`${first}T06:00:00Z`);
  await services.testClock.advance(account.id, Math.ceil((target - tenantNow.getTime()) / 1000));
  return {
    scope,
    templateLoanId: loan.id,
    loanIds: [loan.id, ...ids.loan],
    firstDueDate: first,
    installmentAmount: installment.total.amount,
    setupSeconds: (performance.now() - started) / 1000,
  };
}

/** What the bare loop did. */
interface Bare {
  ops: number;
  seconds: number;
}

/** `ops` bare transactions over `loanIds[from…]`, `lanes` at a time (the scheduler's lanes). */
async function bareLoop(client: PostgresJsClient, loanIds: string[], from: number, ops: number, lanes: number) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(lanes, ops) }, async () => {
      while (next < ops) {
        const loanId = loanIds[(from + next++) % loanIds.length]!;
        await client.begin(async (tx) => {
          await tx.unsafe(
            'insert into bench_repayments (id, loan_id, amount) values ($1, $2, $3)',
            [generateId('repayment'), loanId, 1],
            { prepare: true },
          );
          await tx.unsafe('update bench_installments set paid = paid + $1 where loan_id = $2', [1, loanId], {
            prepare: true,
          });
        });
      }
    }),
  );
  return { ops, seconds: (performance.now() - started) / 1000 };
}

interface TableScans {
  seq: number;
  seqRows: number;
  idx: number;
}

/** Scans per table and commits of the database so far, once the backends have flushed their stats. */
async function pgStats(client: PostgresJsClient) {
  // Idle backends flush their statistics at most once a second.
  await sleep(1_200);
  const rows = await client.unsafe(
    'select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) as idx_scan from pg_stat_user_tables',
  );
  const tables = new Map<string, TableScans>();
  for (const r of rows) {
    tables.set(String(r.relname), {
      seq: Number(r.seq_scan),
      seqRows: Number(r.seq_tup_read),
      idx: Number(r.idx_scan),
    });
  }
  const [db] = await client.unsafe(
    'select xact_commit, xact_rollback from pg_stat_database where datname = current_database()',
  );
  return { tables, commits: Number(db?.xact_commit), rollbacks: Number(db?.xact_rollback) };
}
type PgStats = Awaited<ReturnType<typeof pgStats>>;

interface Result {
  concurrency: number;
  loans: number;
  setupSeconds: number;
  runs: number;
  seconds: number;
  loansPerSec: number;
  latencyMs: { p50: number; p99: number; max: number };
  bare: { perSec: number; before: Bare; after: Bare };
  ratio: number;
  statementsPerLoan: number;
  transactionsPerLoan: number;
  rollbacks: number;
  seqScans: Record<string, { scans: number; rows: number; indexScans: number }>;
  statements: { count: number; perLoan: number; text: string }[];
  report: SchedulerReport;
}

/** The books and the repayments must show exactly one collection per loan. */
async function verify(services: Services, client: PostgresJsClient, p: Portfolio): Promise<void> {
  const problems: string[] = [];
  const [r] = await client.unsafe(
    `select count(*) filter (where status = 'succeeded') as succeeded, count(*) filter (where status = 'failed') as failed,
       count(*) filter (where status = 'pending') as pending, count(distinct loan_id) filter (where status = 'succeeded') as loans,
       coalesce(sum(amount) filter (where status = 'succeeded'), 0) as amount
     from repayments where account_id = $1`,
    [p.scope.accountId],
  );
  if (Number(r?.succeeded) !== loanCount || Number(r?.loans) !== loanCount) {
    problems.push(`${r?.succeeded} succeeded repayments on ${r?.loans} loans, expected ${loanCount}`);
  }
  if (Number(r?.failed) !== 0 || Number(r?.pending) !== 0) {
    problems.push(`${r?.failed} failed and ${r?.pending} pending repayments, expected none`);
  }
  const [i] = await client.unsafe(
    `select count(*) filter (where number = 1 and status = 'paid') as first_paid, count(*) filter (where number > 1 and status = 'paid') as later_paid
     from loan_installments where account_id = $1`,
    [p.scope.accountId],
  );
  if (Number(i?.first_paid) !== loanCount || Number(i?.later_paid) !== 0) {
    problems.push(
      `${i?.first_paid} first installments paid (expected ${loanCount}), ${i?.later_paid} later ones (expected 0)`,
    );
  }
  const [disbursed] = await client.unsafe(
    `select count(*) as n from ledger_transactions where type = 'disbursement' and reference like 'loan_%:disburse'`,
  );
  if (Number(disbursed?.n) !== loanCount) problems.push(`${disbursed?.n} disbursement postings, expected ${loanCount}`);
  const [rail] = await client.unsafe(`select count(*) as n from rail_payouts where reference like 'collection:%'`);
  if (Number(rail?.n) !== loanCount) problems.push(`${rail?.n} rail collections, expected ${loanCount}`);
  const expected = loanCount * p.installmentAmount;
  if (Number(r?.amount) !== expected) problems.push(`repayments total ${r?.amount}, expected ${expected}`);
  const collections = await services.ledger.balance(`lac_collections_${CURRENCY.toLowerCase()}_test`);
  if (collections !== -expected) problems.push(`collections ledger account ${collections}, expected ${-expected}`);
  const [unbalanced] = await client.unsafe(
    `select count(*) as n from ledger_accounts a
     where a.balance <> coalesce((select sum(e.amount) from ledger_entries e where e.ledger_account_id = a.id), 0)`,
  );
  if (Number(unbalanced?.n) !== 0)
    problems.push(`${unbalanced?.n} ledger accounts whose balance is not the sum of their entries`);
  const totals = await services.ledger.totalsByCurrency();
  if (Object.values(totals).some((t) => t !== 0)) {
    problems.push(`ledger entries do not sum to zero per currency: ${JSON.stringify(totals)}`);
  }
  if (problems.length > 0) throw new InvalidRun(problems.join('; '));
}

async function benchRound(admin: DbHandle, adminUrl: string, concurrency: number): Promise<Result> {
  const round = await openRound(admin, adminUrl, concurrency);
  const cleanup = async () => {
    await round.handle.close().catch(() => {});
    await round.drop();
  };
  const onSigint = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    const { client } = round;
    const counter = statementCounter();
    const secretBox = createSecretBox(parseEncryptionKey(generateEncryptionKey()));
    const services = createServices({ db: await loggedDb(round.handle, counter), secretBox });
    const p = await setUp(services, client, secretBox);
    await client.unsafe('create table bench_installments (loan_id text primary key, paid bigint not null default 0)');
    await client.unsafe(
      'create table bench_repayments (id text primary key, loan_id text not null, amount bigint not null)',
    );
    await client.unsafe('insert into bench_installments (loan_id) select unnest($1::text[])', [p.loanIds]);
    log(
      `  c=${concurrency}: set up ${int(loanCount)} loans in ${p.setupSeconds.toFixed(1)} s (database ${round.name}); ` +
        `first due date ${p.firstDueDate}, ${int(p.installmentAmount)} minor units each`,
    );

    const half = Math.ceil(loanCount / 2);
    const bareBefore = await bareLoop(client, p.loanIds, 0, half, concurrency);
    const tenantNow = await services.testClock.now(p.scope);
    const before = await pgStats(client);
    counter.reset();

    const report: SchedulerReport = {
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
    };
    let runs = 0;
    const started = performance.now();
    while (report.collectionsSucceeded < loanCount) {
      const r = await services.lendingScheduler.run({ scope: p.scope, now: tenantNow, batchSize, concurrency });
      runs++;
      for (const key of Object.keys(report) as (keyof SchedulerReport)[]) report[key] += r[key];
      if (r.collectionsAttempted === 0 && r.collectionsSucceeded === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const statementsSent = counter.total();
    const statements = [...counter.counts.entries()]
      .map(([text, count]) => ({ count, perLoan: count / loanCount, text: text.replace(/\s+/g, ' ').trim() }))
      .sort((a, b) => b.count - a.count);
    const after: PgStats = await pgStats(client);
    const bareAfter = await bareLoop(client, p.loanIds, half, loanCount - half, concurrency);

    if (report.collectionsSucceeded !== loanCount) {
      throw new InvalidRun(
        `the scheduler stopped at ${report.collectionsSucceeded} collections succeeded of ${loanCount} after ${runs} run(s): ${JSON.stringify(report)}`,
      );
    }
    await verify(services, client, p);

    const latencies = (
      await client.unsafe(
        `select extract(epoch from updated_at - created_at) * 1000 as ms from repayments where account_id = $1 and status = 'succeeded' order by 1`,
        [p.scope.accountId],
      )
    ).map((r) => Number(r.ms));
    const seqScans: Result['seqScans'] = {};
    for (const [name, t] of after.tables) {
      const b = before.tables.get(name) ?? { seq: 0, seqRows: 0, idx: 0 };
      if (t.seq - b.seq > 0 || t.idx - b.idx > 0) {
        seqScans[name] = { scans: t.seq - b.seq, rows: t.seqRows - b.seqRows, indexScans: t.idx - b.idx };
      }
    }
    const bareSeconds = bareBefore.seconds + bareAfter.seconds;
    const barePerSec = loanCount / bareSeconds;
    const loansPerSec = loanCount / seconds;
    return {
      concurrency,
      loans: loanCount,
      setupSeconds: p.setupSeconds,
      runs,
      seconds,
      loansPerSec,
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN },
      bare: { perSec: barePerSec, before: bareBefore, after: bareAfter },
      ratio: loansPerSec / barePerSec,
      statementsPerLoan: statementsSent / loanCount,
      // Every statement outside a transaction commits on its own. Less the bench's own two stats queries.
      transactionsPerLoan: (after.commits - before.commits - 2) / loanCount,
      rollbacks: after.rollbacks - before.rollbacks,
      seqScans,
      statements,
      report,
    };
  } finally {
    process.removeListener('SIGINT', onSigint);
    await cleanup();
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const adminUrl =
    process.env.LENDWIRE_BENCH_DATABASE_URL || process.env.LENDWIRE_TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
  log(
    'Lendwire collections benchmark: lendingScheduler.run collecting one due installment per active loan, vs a bare\n' +
      'INSERT + UPDATE transaction per loan on the same pool and concurrency',
  );
  log(
    `machine: ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${os.platform()}; ` +
      `${int(loanCount)} loans of ${termMonths} months, batchSize ${int(batchSize)}, concurrency ${concurrencies.join(', ')}`,
  );
  const opened = await openAdmin(adminUrl);
  if ('reason' in opened) {
    log(`postgres: SKIPPED: not reachable (${opened.reason}); set LENDWIRE_BENCH_DATABASE_URL.`);
    if (args.json) process.stdout.write(`${JSON.stringify({ skipped: opened.reason }, null, 2)}\n`);
    return;
  }
  const { admin } = opened;
  const settings: Record<string, string> = {};
  for (const s of ['server_version', 'fsync', 'synchronous_commit', 'max_connections']) {
    const [row] = await clientOf(admin).unsafe(`show ${s}`);
    settings[s] = String(row?.[s]);
  }
  log(
    `postgres: ${redact(adminUrl)} (server ${settings.server_version}, fsync ${settings.fsync}, ` +
      `synchronous_commit ${settings.synchronous_commit}); a fresh database per concurrency, dropped at the end`,
  );
  log(
    'NOTE: Postgres runs on the same cores as this process and commits are fsynced, so absolute figures move with\n' +
      '      other load on the machine; the bare loop runs half just before and half just after the scheduler.',
  );
  log('');

  const results: Result[] = [];
  try {
    for (const concurrency of concurrencies) {
      const r = await benchRound(admin, adminUrl, concurrency);
      results.push(r);
      log(
        `  c=${concurrency}: scheduler ${int(r.loansPerSec)} loans/s (${int(r.loans)} in ${r.seconds.toFixed(2)} s, ${r.runs} run(s)); ` +
          `bare ${int(r.bare.perSec)} tx/s (before ${int(r.bare.before.ops / r.bare.before.seconds)}, after ${int(r.bare.after.ops / r.bare.after.seconds)}); ` +
          `ratio ${r.ratio.toFixed(3)}; checks passed`,
      );
    }
  } catch (error) {
    if (!(error instanceof InvalidRun)) throw error;
    log(`\nINVALID RUN: ${error.message}`);
    process.exitCode = 1;
    return;
  } finally {
    await admin.close().catch(() => {});
  }

  log('');
  log('Results (ratio = scheduler loans/s ÷ bare transactions/s; latency = repayment created → succeeded, per loan):');
  log(
    table(
      [
        'concurrency',
        'loans',
        'seconds',
        'loans/s',
        'p50 ms',
        'p99 ms',
        'bare tx/s',
        'ratio',
        'stmts/loan',
        'commits/loan',
      ],
      results.map((r) => [
        String(r.concurrency),
        int(r.loans),
        r.seconds.toFixed(2),
        int(r.loansPerSec),
        r.latencyMs.p50.toFixed(1),
        r.latencyMs.p99.toFixed(1),
        int(r.bare.perSec),
        `${r.ratio.toFixed(3)}×`,
        r.statementsPerLoan.toFixed(1),
        r.transactionsPerLoan.toFixed(2),
      ]),
      new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ),
  );
  log(
    'stmts/loan = SQL statements the services sent per loan (Drizzle; BEGIN/COMMIT not included); commits/loan =\n' +
      'commits in pg_stat_database per loan (its transactions plus each statement sent outside one). The bare loop: 2 and 1.',
  );
  const last = results.at(-1);
  if (last) {
    log('');
    log(
      `Sequential scans during the scheduler run (c=${last.concurrency}): ` +
        (Object.entries(last.seqScans)
          .filter(([, s]) => s.scans > 0)
          .map(([name, s]) => `${name} ${int(s.scans)} (${int(s.rows)} rows read)`)
          .join(', ') || 'none'),
    );
    const shown = args.statements ? last.statements : last.statements.slice(0, 12);
    log(
      `Statements per loan (c=${last.concurrency}, ${last.statementsPerLoan.toFixed(1)} in all, by Drizzle; ` +
        `${args.statements ? 'all' : 'top 12, --statements for all'}):`,
    );
    for (const s of shown) log(`  ${s.perLoan.toFixed(2).padStart(6)}  ${s.text.slice(0, 150)}`);
  }
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ meta: { loans: loanCount, batchSize, termMonths, cpus: cpus.length, node: process.version, postgres: settings }, results }, null, 2)}\n`,
    );
  }
}

await main();
