import type {
  CreditAssessmentCreateParams,
  LoanApplicationApproveParams,
  LoanApplicationCreateParams,
  MandateCreateParams,
} from '@lendwire/contract';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  CreditAssessments,
  InvalidArgumentError,
  type Lendwire,
  LoanApplications,
  LoanOffers,
  LoanRepayments,
  Loans,
  Mandates,
  Repayments,
  UnprocessableEntityError,
} from '../src/index.js';
import { BASE_URL, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

/** One request as msw saw it: method, path, query, body and idempotency key. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  idempotencyKey: string | null;
}

let seen: Seen[] = [];

beforeEach(() => {
  seen = [];
  // Answer everything with a bare object, recording what was asked.
  server.use(
    http.all(`${BASE_URL}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.text();
      seen.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text === '' ? undefined : JSON.parse(text),
        idempotencyKey: request.headers.get('idempotency-key'),
      });
      return HttpResponse.json({ id: 'x' });
    }),
  );
});

const LAP = 'lap_01jd8x3k5w9q4r7t2m6n0p8s1v';
const LOF = 'lof_01jd8x3k5w9q4r7t2m6n0p8s1v';
const LOAN = 'loan_01jd8x3k5w9q4r7t2m6n0p8s1v';
const RPY = 'rpy_01jd8x3k5w9q4r7t2m6n0p8s1v';
const MDT = 'mdt_01jd8x3k5w9q4r7t2m6n0p8s1v';
const CA = 'ca_01jd8x3k5w9q4r7t2m6n0p8s1v';
const CUS = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v';

const applicationParams: LoanApplicationCreateParams = {
  customerId: CUS,
  amount: { amount: 500_000, currency: 'NGN' },
  termMonths: 6,
  purpose: 'Inventory for the shop',
};
const approveParams: LoanApplicationApproveParams = {
  offer: {
    principal: { amount: 400_000, currency: 'NGN' },
    annualInterestRateBps: 2500,
    termMonths: 6,
    amortization: 'equal_installments',
    originationFeeBps: 100,
  },
};
const mandateParams: MandateCreateParams = {
  customerId: CUS,
  bankCode: '058',
  accountNumber: '0123456789',
  accountName: 'Ada Obi',
};
const assessmentParams: CreditAssessmentCreateParams = {
  customerId: CUS,
  transactions: [{ date: '2026-10-01', amount: -250_000, description: 'Rent' }],
};

type Call = (client: Lendwire) => Promise<unknown>;

/** Every non-list method: name, HTTP method, path, body it must send, and the call. */
const calls: [name: string, method: string, path: string, body: unknown, call: Call][] = [
  [
    'loanApplications.create',
    'POST',
    '/v1/loan-applications',
    applicationParams,
    (c) => c.loanApplications.create(applicationParams),
  ],
  [
    'loanApplications.retrieve',
    'GET',
    `/v1/loan-applications/${LAP}`,
    undefined,
    (c) => c.loanApplications.retrieve(LAP),
  ],
  [
    'loanApplications.withdraw',
    'POST',
    `/v1/loan-applications/${LAP}/withdraw`,
    undefined,
    (c) => c.loanApplications.withdraw(LAP),
  ],
  [
    'loanApplications.approve',
    'POST',
    `/v1/loan-applications/${LAP}/approve`,
    approveParams,
    (c) => c.loanApplications.approve(LAP, approveParams),
  ],
  [
    'loanApplications.reject',
    'POST',
    `/v1/loan-applications/${LAP}/reject`,
    { reason: 'Too little history' },
    (c) => c.loanApplications.reject(LAP, { reason: 'Too little history' }),
  ],
  ['loanOffers.retrieve', 'GET', `/v1/loan-offers/${LOF}`, undefined, (c) => c.loanOffers.retrieve(LOF)],
  ['loanOffers.accept', 'POST', `/v1/loan-offers/${LOF}/accept`, undefined, (c) => c.loanOffers.accept(LOF)],
  ['loanOffers.decline', 'POST', `/v1/loan-offers/${LOF}/decline`, undefined, (c) => c.loanOffers.decline(LOF)],
  ['loans.retrieve', 'GET', `/v1/loans/${LOAN}`, undefined, (c) => c.loans.retrieve(LOAN)],
  ['loans.schedule', 'GET', `/v1/loans/${LOAN}/schedule`, undefined, (c) => c.loans.schedule(LOAN)],
  ['loans.disburse', 'POST', `/v1/loans/${LOAN}/disburse`, undefined, (c) => c.loans.disburse(LOAN)],
  ['loans.writeOff', 'POST', `/v1/loans/${LOAN}/write-off`, undefined, (c) => c.loans.writeOff(LOAN)],
  [
    'loans.repayments.create',
    'POST',
    `/v1/loans/${LOAN}/repayments`,
    { amount: 150_000, currency: 'NGN' },
    (c) => c.loans.repayments.create(LOAN, { amount: 150_000, currency: 'NGN' }),
  ],
  ['repayments.retrieve', 'GET', `/v1/repayments/${RPY}`, undefined, (c) => c.repayments.retrieve(RPY)],
  ['mandates.create', 'POST', '/v1/mandates', mandateParams, (c) => c.mandates.create(mandateParams)],
  ['mandates.retrieve', 'GET', `/v1/mandates/${MDT}`, undefined, (c) => c.mandates.retrieve(MDT)],
  ['mandates.cancel', 'POST', `/v1/mandates/${MDT}/cancel`, undefined, (c) => c.mandates.cancel(MDT)],
  [
    'creditAssessments.create',
    'POST',
    '/v1/credit-assessments',
    assessmentParams,
    (c) => c.creditAssessments.create(assessmentParams),
  ],
  [
    'creditAssessments.retrieve',
    'GET',
    `/v1/credit-assessments/${CA}`,
    undefined,
    (c) => c.creditAssessments.retrieve(CA),
  ],
];

describe('each method sends its request', () => {
  it.each(calls)('%s → %s %s', async (_name, method, path, body, call) => {
    await expect(call(mockClient())).resolves.toEqual({ id: 'x' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method, path, query: {}, body });
    // Every POST carries an idempotency key; GETs never do.
    if (method === 'POST') expect(seen[0]!.idempotencyKey).toMatch(/^lw-sdk-/);
    else expect(seen[0]!.idempotencyKey).toBeNull();
  });

  it.each([
    ['loans.disburse', (c: Lendwire) => c.loans.disburse(LOAN, { idempotencyKey: 'job-42' })],
    [
      'loans.repayments.create',
      (c: Lendwire) => c.loans.repayments.create(LOAN, { amount: 100 }, { idempotencyKey: 'job-42' }),
    ],
  ])('%s sends the caller’s Idempotency-Key, the same on every retry', async (_name, call) => {
    let attempts = 0;
    server.use(
      http.post(`${BASE_URL}/v1/loans/:id/:action`, ({ request }) => {
        seen.push({
          method: request.method,
          path: new URL(request.url).pathname,
          query: {},
          body: undefined,
          idempotencyKey: request.headers.get('idempotency-key'),
        });
        attempts += 1;
        return attempts === 1 ? problem(503, 'service_unavailable', {}, { 'retry-after': '0' }) : HttpResponse.json({});
      }),
    );
    await call(mockClient());
    expect(seen.map((r) => r.idempotencyKey)).toEqual(['job-42', 'job-42']);
  });

  it('generates one Idempotency-Key per disburse and reuses it on retry', async () => {
    let attempts = 0;
    server.use(
      http.post(`${BASE_URL}/v1/loans/:id/disburse`, ({ request }) => {
        seen.push({
          method: 'POST',
          path: '',
          query: {},
          body: undefined,
          idempotencyKey: request.headers.get('idempotency-key'),
        });
        attempts += 1;
        return attempts === 1 ? problem(503, 'service_unavailable', {}, { 'retry-after': '0' }) : HttpResponse.json({});
      }),
    );
    await mockClient().loans.disburse(LOAN);
    const [first, second] = seen.map((r) => r.idempotencyKey);
    expect(first).toMatch(/^lw-sdk-/);
    expect(second).toBe(first);
  });
});

describe('list methods', () => {
  type ListCall = (client: Lendwire, query: { limit: number }) => AsyncIterable<{ id: string }>;
  const lists: [name: string, path: string, call: ListCall][] = [
    ['loanApplications.list', '/v1/loan-applications', (c, q) => c.loanApplications.list(q)],
    ['loanOffers.list', '/v1/loan-offers', (c, q) => c.loanOffers.list(q)],
    ['loans.list', '/v1/loans', (c, q) => c.loans.list(q)],
    ['loans.repayments.list', `/v1/loans/${LOAN}/repayments`, (c, q) => c.loans.repayments.list(LOAN, q)],
    ['mandates.list', '/v1/mandates', (c, q) => c.mandates.list(q)],
    ['creditAssessments.list', '/v1/credit-assessments', (c, q) => c.creditAssessments.list(q)],
  ];

  it.each(lists)('%s walks every page of GET %s with for await', async (_name, path, call) => {
    const all = ['o_5', 'o_4', 'o_3', 'o_2', 'o_1'].map((id) => ({ id }));
    server.use(
      http.get(`${BASE_URL}${path}`, ({ request }) => {
        const url = new URL(request.url);
        seen.push({
          method: 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: undefined,
          idempotencyKey: null,
        });
        const after = url.searchParams.get('startingAfter');
        const from = after ? all.findIndex((o) => o.id === after) + 1 : 0;
        const data = all.slice(from, from + Number(url.searchParams.get('limit')));
        const hasMore = from + data.length < all.length;
        return HttpResponse.json({ object: 'list', data, hasMore, nextCursor: hasMore ? data.at(-1)!.id : null });
      }),
    );
    const ids: string[] = [];
    for await (const item of call(mockClient(), { limit: 2 })) ids.push(item.id);
    expect(ids).toEqual(all.map((o) => o.id));
    expect(seen.map((r) => [r.path, r.query])).toEqual([
      [path, { limit: '2' }],
      [path, { limit: '2', startingAfter: 'o_4' }],
      [path, { limit: '2', startingAfter: 'o_2' }],
    ]);
  });

  it('sends the customerId and status filters', async () => {
    const client = mockClient();
    await client.loanApplications.list({ customerId: CUS, status: 'submitted' });
    await client.loanOffers.list({ customerId: CUS, status: 'open' });
    await client.loans.list({ customerId: CUS, status: 'active', limit: 5 });
    await client.mandates.list({ customerId: CUS });
    await client.creditAssessments.list({ customerId: CUS });
    expect(seen.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', '/v1/loan-applications', { customerId: CUS, status: 'submitted' }],
      ['GET', '/v1/loan-offers', { customerId: CUS, status: 'open' }],
      ['GET', '/v1/loans', { customerId: CUS, status: 'active', limit: '5' }],
      ['GET', '/v1/mandates', { customerId: CUS }],
      ['GET', '/v1/credit-assessments', { customerId: CUS }],
    ]);
  });
});

describe('schedule', () => {
  it('resolves with the whole schedule as one list', async () => {
    const schedule = { object: 'list', data: [{ number: 1 }, { number: 2 }], hasMore: false, nextCursor: null };
    server.use(http.get(`${BASE_URL}/v1/loans/${LOAN}/schedule`, () => HttpResponse.json(schedule)));
    await expect(mockClient().loans.schedule(LOAN)).resolves.toEqual(schedule);
  });
});

describe('errors', () => {
  it('accepting an expired offer is a ConflictError with code state_conflict', async () => {
    server.use(http.post(`${BASE_URL}/v1/loan-offers/${LOF}/accept`, () => problem(409, 'state_conflict')));
    const error = await mockClient()
      .loanOffers.accept(LOF)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'state_conflict' });
  });

  it('a repayment above the outstanding total is an UnprocessableEntityError', async () => {
    server.use(http.post(`${BASE_URL}/v1/loans/${LOAN}/repayments`, () => problem(422, 'unprocessable')));
    await expect(mockClient().loans.repayments.create(LOAN, { amount: 10 ** 12 })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
  });
});

describe('ids that are not path segments are refused before sending', () => {
  type IdCall = (client: Lendwire, id: string) => Promise<unknown>;
  const withIds: [name: string, prefix: string, call: IdCall][] = [
    ['loanApplications.retrieve', 'lap', (c, id) => c.loanApplications.retrieve(id)],
    ['loanApplications.withdraw', 'lap', (c, id) => c.loanApplications.withdraw(id)],
    ['loanApplications.approve', 'lap', (c, id) => c.loanApplications.approve(id, approveParams)],
    ['loanApplications.reject', 'lap', (c, id) => c.loanApplications.reject(id, { reason: 'No' })],
    ['loanOffers.retrieve', 'lof', (c, id) => c.loanOffers.retrieve(id)],
    ['loanOffers.accept', 'lof', (c, id) => c.loanOffers.accept(id)],
    ['loanOffers.decline', 'lof', (c, id) => c.loanOffers.decline(id)],
    ['loans.retrieve', 'loan', (c, id) => c.loans.retrieve(id)],
    ['loans.schedule', 'loan', (c, id) => c.loans.schedule(id)],
    ['loans.disburse', 'loan', (c, id) => c.loans.disburse(id)],
    ['loans.writeOff', 'loan', (c, id) => c.loans.writeOff(id)],
    ['loans.repayments.create', 'loan', (c, id) => c.loans.repayments.create(id, { amount: 1 })],
    ['loans.repayments.list', 'loan', (c, id) => c.loans.repayments.list(id)],
    ['repayments.retrieve', 'rpy', (c, id) => c.repayments.retrieve(id)],
    ['mandates.retrieve', 'mdt', (c, id) => c.mandates.retrieve(id)],
    ['mandates.cancel', 'mdt', (c, id) => c.mandates.cancel(id)],
    ['creditAssessments.retrieve', 'ca', (c, id) => c.creditAssessments.retrieve(id)],
  ];
  const badIds: [label: string, id: unknown, shown: string][] = [
    ['empty', '', '""'],
    ['".."', '..', '".."'],
    ['a newline', 'x\ny', '"x\\ny"'],
    ['undefined', undefined, 'undefined'],
  ];

  describe.each(withIds)('%s', (name, prefix, call) => {
    it.each(badIds)('rejects %s with InvalidArgumentError and sends nothing', async (_label, id, shown) => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call(mockClient(), id as string);
      }).not.toThrow();
      const error = await promise!.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(seen).toEqual([]);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ message: `${name}: id must be a Lendwire id such as ${prefix}_…; got ${shown}` });
    });
  });

  it('sends an id as one percent-encoded segment', async () => {
    await mockClient().loans.repayments.create('a/b', { amount: 1 });
    expect(seen.map((r) => r.path)).toEqual(['/v1/loans/a%2Fb/repayments']);
  });

  it('covers every lending method that takes an id', () => {
    const methods = [
      ['loanApplications', LoanApplications],
      ['loanOffers', LoanOffers],
      ['loans', Loans],
      ['loans.repayments', LoanRepayments],
      ['repayments', Repayments],
      ['mandates', Mandates],
      ['creditAssessments', CreditAssessments],
    ].flatMap(([name, Class]) =>
      Object.getOwnPropertyNames((Class as typeof Loans).prototype)
        .filter((m) => m !== 'constructor' && !(name !== 'loans.repayments' && ['create', 'list'].includes(m)))
        .map((m) => `${name as string}.${m}`),
    );
    expect(withIds.map(([name]) => name).sort()).toEqual(methods.sort());
  });
});
