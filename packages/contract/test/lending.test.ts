import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { generateId } from '../src/ids.js';
import {
  CreditAssessmentCreateSchema,
  CreditAssessmentSchema,
  InstallmentSchema,
  type Loan,
  LoanApplicationApproveSchema,
  LoanApplicationCreateSchema,
  LoanApplicationRejectSchema,
  LoanApplicationSchema,
  type LoanOffer,
  LoanOfferSchema,
  LoanScheduleSchema,
  LoanSchema,
  MandateCreateSchema,
  MandateSchema,
  RepaymentCreateSchema,
  RepaymentSchema,
} from '../src/resources/lending.js';

/** The issues of a refused parse, as `path: message`; fails the test when the parse succeeds. */
function refusal(schema: z.ZodType, input: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
const paths = (schema: z.ZodType, input: unknown) => refusal(schema, input).map((i) => i.path);

const at = '2026-12-01T10:00:00.000Z';
const ngn = (amount: number) => ({ amount, currency: 'NGN' as const });
const customerId = generateId('customer');
const applicationId = generateId('loanApplication');
const offerId = generateId('loanOffer');
const loanId = generateId('loan');

const loan: Loan = {
  id: loanId,
  object: 'loan',
  applicationId,
  offerId,
  customerId,
  principal: ngn(10_000_000),
  annualInterestRateBps: 2500,
  termMonths: 12,
  amortization: 'equal_installments',
  originationFee: ngn(100_000),
  status: 'active',
  disbursedAt: at,
  outstanding: { principal: ngn(10_000_000), interest: ngn(1_400_000), fees: ngn(0), total: ngn(11_400_000) },
  nextDueDate: '2027-01-01',
  daysPastDue: 0,
  delinquencyBucket: 'current',
  metadata: {},
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const offer: LoanOffer = {
  id: offerId,
  object: 'loan_offer',
  applicationId,
  customerId,
  principal: ngn(10_000_000),
  annualInterestRateBps: 2500,
  termMonths: 12,
  amortization: 'equal_installments',
  originationFee: ngn(100_000),
  installmentAmount: ngn(950_000),
  totalRepayable: ngn(11_400_000),
  status: 'accepted',
  expiresAt: at,
  loanId,
  loan,
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const validApplicationCreate = {
  customerId,
  amount: ngn(10_000_000),
  termMonths: 12,
  purpose: '  Inventory for the shop  ',
};

describe('loan applications', () => {
  it('parses a valid create body, trimming purpose and defaulting metadata', () => {
    expect(LoanApplicationCreateSchema.parse(validApplicationCreate)).toEqual({
      ...validApplicationCreate,
      purpose: 'Inventory for the shop',
      metadata: {},
    });
  });

  it('refuses a zero amount at amount.amount', () => {
    expect(paths(LoanApplicationCreateSchema, { ...validApplicationCreate, amount: ngn(0) })).toEqual([
      'amount.amount',
    ]);
  });

  it('refuses termMonths 0 and 121', () => {
    expect(paths(LoanApplicationCreateSchema, { ...validApplicationCreate, termMonths: 0 })).toEqual(['termMonths']);
    expect(paths(LoanApplicationCreateSchema, { ...validApplicationCreate, termMonths: 121 })).toEqual(['termMonths']);
    expect(LoanApplicationCreateSchema.safeParse({ ...validApplicationCreate, termMonths: 120 }).success).toBe(true);
  });

  it('refuses an unknown field, an empty purpose and a bad customer id', () => {
    const unknown = refusal(LoanApplicationCreateSchema, { ...validApplicationCreate, rate: 5 });
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.message).toMatch(/rate/);
    expect(paths(LoanApplicationCreateSchema, { ...validApplicationCreate, purpose: '   ' })).toEqual(['purpose']);
    expect(paths(LoanApplicationCreateSchema, { ...validApplicationCreate, customerId: loanId })).toEqual([
      'customerId',
    ]);
  });

  it('parses approve and reject bodies and refuses bad terms by path', () => {
    const approve = {
      offer: {
        principal: ngn(10_000_000),
        annualInterestRateBps: 2500,
        termMonths: 12,
        amortization: 'flat',
        originationFeeBps: 100,
        expiresAt: '2027-01-01T00:00:00Z',
      },
    };
    expect(LoanApplicationApproveSchema.parse(approve)).toEqual(approve);
    expect(
      paths(LoanApplicationApproveSchema, { offer: { ...approve.offer, annualInterestRateBps: 100_001 } }),
    ).toEqual(['offer.annualInterestRateBps']);
    expect(paths(LoanApplicationApproveSchema, { offer: { ...approve.offer, amortization: 'balloon' } })).toEqual([
      'offer.amortization',
    ]);
    expect(paths(LoanApplicationApproveSchema, { offer: { ...approve.offer, expiresAt: 'tomorrow' } })).toEqual([
      'offer.expiresAt',
    ]);
    expect(paths(LoanApplicationApproveSchema, { offer: { ...approve.offer, termMonths: 0 } })).toEqual([
      'offer.termMonths',
    ]);
    expect(LoanApplicationRejectSchema.parse({ reason: ' Income too low ' })).toEqual({ reason: 'Income too low' });
    expect(paths(LoanApplicationRejectSchema, { reason: '' })).toEqual(['reason']);
    expect(paths(LoanApplicationRejectSchema, { reason: 'x'.repeat(501) })).toEqual(['reason']);
  });

  it('parses an application with its offer and loan included', () => {
    const application = {
      id: applicationId,
      object: 'loan_application',
      customerId,
      amount: ngn(10_000_000),
      termMonths: 12,
      purpose: 'Inventory',
      status: 'approved',
      rejectionReason: null,
      offerId,
      offer,
      metadata: {},
      livemode: false,
      createdAt: at,
      updatedAt: at,
    };
    expect(LoanApplicationSchema.parse(application)).toEqual(application);
    expect(paths(LoanApplicationSchema, { ...application, status: 'pending' })).toEqual(['status']);
  });
});

describe('loan offers, loans and schedules', () => {
  it('parses an offer and a loan', () => {
    expect(LoanOfferSchema.parse(offer)).toEqual(offer);
    expect(LoanSchema.parse(loan)).toEqual(loan);
    expect(
      LoanSchema.parse({ ...loan, status: 'pending_disbursement', disbursedAt: null, nextDueDate: null }),
    ).toBeTruthy();
  });

  it('refuses a bad delinquency bucket, a negative daysPastDue and a timestamp as nextDueDate', () => {
    expect(paths(LoanSchema, { ...loan, delinquencyBucket: '91_plus' })).toEqual(['delinquencyBucket']);
    expect(paths(LoanSchema, { ...loan, daysPastDue: -1 })).toEqual(['daysPastDue']);
    expect(paths(LoanSchema, { ...loan, nextDueDate: at })).toEqual(['nextDueDate']);
  });

  it('parses a schedule of installments', () => {
    const installment = {
      number: 1,
      dueDate: '2027-01-01',
      principal: ngn(800_000),
      interest: ngn(150_000),
      fees: ngn(0),
      total: ngn(950_000),
      paid: ngn(0),
      status: 'upcoming',
    };
    expect(InstallmentSchema.parse(installment)).toEqual(installment);
    const schedule = { object: 'list', data: [installment], hasMore: false, nextCursor: null };
    expect(LoanScheduleSchema.parse(schedule)).toEqual(schedule);
    expect(paths(LoanScheduleSchema, { ...schedule, data: [{ ...installment, status: 'late' }] })).toEqual([
      'data.0.status',
    ]);
  });
});

describe('repayments', () => {
  it('parses a create body of a plain integer amount', () => {
    expect(RepaymentCreateSchema.parse({ amount: 950_000 })).toEqual({ amount: 950_000 });
    expect(RepaymentCreateSchema.parse({ amount: 950_000, currency: 'NGN' })).toEqual({
      amount: 950_000,
      currency: 'NGN',
    });
  });

  it('refuses amount 0, a fraction, a Money object and an unknown field', () => {
    expect(paths(RepaymentCreateSchema, { amount: 0 })).toEqual(['amount']);
    expect(paths(RepaymentCreateSchema, { amount: 1.5 })).toEqual(['amount']);
    expect(paths(RepaymentCreateSchema, { amount: ngn(100) })).toEqual(['amount']);
    expect(refusal(RepaymentCreateSchema, { amount: 100, loanId })[0]?.message).toMatch(/loanId/);
  });

  it('parses a repayment', () => {
    const repayment = {
      id: generateId('repayment'),
      object: 'repayment',
      loanId,
      amount: ngn(950_000),
      source: 'mandate',
      mandateId: generateId('mandate'),
      status: 'succeeded',
      allocation: { fees: ngn(0), interest: ngn(150_000), principal: ngn(800_000) },
      failureCode: null,
      failureMessage: null,
      livemode: false,
      createdAt: at,
      updatedAt: at,
    };
    expect(RepaymentSchema.parse(repayment)).toEqual(repayment);
    expect(paths(RepaymentSchema, { ...repayment, source: 'card' })).toEqual(['source']);
  });
});

describe('mandates', () => {
  const validMandate = { customerId, bankCode: '058', accountNumber: '0123456789', accountName: ' Ada Obi ' };

  it('parses a create body', () => {
    expect(MandateCreateSchema.parse(validMandate)).toEqual({ ...validMandate, accountName: 'Ada Obi' });
    expect(MandateCreateSchema.parse({ ...validMandate, currency: 'NGN' }).currency).toBe('NGN');
  });

  it('refuses a 9-digit account number, a bad bank code and an unknown field', () => {
    expect(paths(MandateCreateSchema, { ...validMandate, accountNumber: '012345678' })).toEqual(['accountNumber']);
    expect(paths(MandateCreateSchema, { ...validMandate, bankCode: '05' })).toEqual(['bankCode']);
    expect(refusal(MandateCreateSchema, { ...validMandate, bvn: '1' })[0]?.message).toMatch(/bvn/);
  });

  it('parses a mandate', () => {
    const mandate = {
      id: generateId('mandate'),
      object: 'mandate',
      customerId,
      status: 'pending',
      bankAccount: { bankCode: '058', last4: '6789', accountName: 'Ada Obi' },
      currency: 'NGN',
      failureCode: null,
      failureMessage: null,
      livemode: false,
      createdAt: at,
      updatedAt: at,
    };
    expect(MandateSchema.parse(mandate)).toEqual(mandate);
  });
});

describe('credit assessments', () => {
  const row = { date: '2026-11-01', amount: -250_000, description: 'Rent', balance: 1_000_000 };

  it('parses a body with transactions, and one with csv', () => {
    expect(CreditAssessmentCreateSchema.parse({ customerId, transactions: [row] })).toEqual({
      customerId,
      transactions: [row],
    });
    const csv = 'date,amount,description,balance\n2026-11-01,-250000,Rent,1000000\n';
    expect(CreditAssessmentCreateSchema.parse({ csv })).toEqual({ csv });
  });

  it('refuses both transactions and csv, and neither', () => {
    expect(paths(CreditAssessmentCreateSchema, { transactions: [row], csv: 'date\n' })).toEqual(['csv']);
    expect(paths(CreditAssessmentCreateSchema, { customerId })).toEqual(['transactions']);
    expect(paths(CreditAssessmentCreateSchema, {})).toEqual(['transactions']);
  });

  it('refuses bad rows by path, too many rows at once, and an unknown field', () => {
    expect(paths(CreditAssessmentCreateSchema, { transactions: [{ ...row, date: '01/11/2026' }] })).toEqual([
      'transactions.0.date',
    ]);
    expect(paths(CreditAssessmentCreateSchema, { transactions: [{ ...row, amount: 1.5 }] })).toEqual([
      'transactions.0.amount',
    ]);
    expect(paths(CreditAssessmentCreateSchema, { transactions: [{ ...row, description: 'x'.repeat(201) }] })).toEqual([
      'transactions.0.description',
    ]);
    const many = refusal(CreditAssessmentCreateSchema, { transactions: Array.from({ length: 5001 }, () => row) });
    expect(many).toHaveLength(1);
    expect(many[0]?.path).toBe('transactions');
    expect(refusal(CreditAssessmentCreateSchema, { csv: 'a', source: 'x' })[0]?.message).toMatch(/source/);
  });

  it('parses an assessment, with a null score while pending', () => {
    const assessment = {
      id: generateId('creditAssessment'),
      object: 'credit_assessment',
      customerId: null,
      status: 'completed',
      score: 712,
      category: 'good',
      breakdown: [{ factor: 'income_stability', points: 120, detail: 'Salary credited monthly' }],
      rowsAccepted: 240,
      errors: [{ row: 17, message: 'date: must be a date as YYYY-MM-DD' }],
      livemode: false,
      createdAt: at,
      updatedAt: at,
    };
    expect(CreditAssessmentSchema.parse(assessment)).toEqual(assessment);
    expect(
      CreditAssessmentSchema.parse({ ...assessment, status: 'pending', score: null, category: null }),
    ).toBeTruthy();
    expect(paths(CreditAssessmentSchema, { ...assessment, score: 851 })).toEqual(['score']);
  });
});
