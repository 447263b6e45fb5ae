import type { Customer, Loan, LoanApplication, LoanOffer } from '@lendwire/contract';
import { expect } from 'vitest';
import type { Partner, TestGateway } from './gateway.js';
import { idempotencyHeader } from './money.js';

/**
 * Lending helpers for gateway tests. Each goes through the HTTP API (never the services) and
 * asserts the status it expects, so a broken step fails where it happens. Partner actions use the
 * partner's all-scope key; platform-only actions (approve, disburse) use the root key acting for
 * the partner with `Lendwire-Account`.
 */

/** Default offer terms: 100,000.00 NGN at 24% a year over 6 months, equal installments, 1% fee. */
export const DEFAULT_OFFER = {
  principal: { amount: 10_000_000, currency: 'NGN' },
  annualInterestRateBps: 2400,
  termMonths: 6,
  amortization: 'equal_installments',
  originationFeeBps: 100,
} as const;

/** Offer terms, as `approveApplication` takes them (any field of {@link DEFAULT_OFFER} may be replaced). */
export type OfferTerms = Partial<Record<keyof typeof DEFAULT_OFFER, unknown>> & { expiresAt?: string };

/** Headers for the platform's root key acting for `partner` (`Lendwire-Account`), plus `extra`. */
export function platformFor(
  partner: Pick<Partner, 'accountId'>,
  extra: Record<string, string> = {},
): { key: undefined; headers: Record<string, string> } {
  return { key: undefined, headers: { 'lendwire-account': partner.accountId, ...extra } };
}

/** Creates a customer of `partner` (201) and returns it. */
export async function createCustomer(gw: TestGateway, partner: Partner, name = 'Ada Obi') {
  const res = await gw.request('POST', '/v1/customers', { key: partner.key, body: { name } });
  expect(res.status, res.text).toBe(201);
  return res.body as Customer;
}

/**
 * Submits a loan application for `partner` (201) and returns it. Without `customerId` in
 * `overrides`, a new customer is created. Defaults: 100,000.00 NGN over 6 months.
 */
export async function submitApplication(gw: TestGateway, partner: Partner, overrides: Record<string, unknown> = {}) {
  const customerId = overrides.customerId ?? (await createCustomer(gw, partner)).id;
  const res = await gw.request('POST', '/v1/loan-applications', {
    key: partner.key,
    body: {
      customerId,
      amount: { amount: 10_000_000, currency: 'NGN' },
      termMonths: 6,
      purpose: 'Inventory for the shop',
      ...overrides,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as LoanApplication;
}

/**
 * Approves an application as the platform (200) with {@link DEFAULT_OFFER} terms, replaced field
 * by field by `offerOverrides`. Returns the approved application; its `offer` is the new offer.
 */
export async function approveApplication(
  gw: TestGateway,
  partner: Partner,
  applicationId: string,
  offerOverrides: OfferTerms = {},
) {
  const res = await gw.request('POST', `/v1/loan-applications/${applicationId}/approve`, {
    ...platformFor(partner),
    body: { offer: { ...DEFAULT_OFFER, ...offerOverrides } },
  });
  expect(res.status, res.text).toBe(200);
  return res.body as LoanApplication & { offerId: string; offer: LoanOffer };
}

/** Accepts an offer with the partner's key (200); returns the offer, with `loanId` and `loan`. */
export async function acceptOffer(gw: TestGateway, partner: Partner, offerId: string) {
  const res = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, { key: partner.key });
  expect(res.status, res.text).toBe(200);
  return res.body as LoanOffer & { loanId: string; loan: Loan };
}

/** Disburses a loan as the platform with a fresh `Idempotency-Key` (200); returns the active loan. */
export async function disburseLoan(gw: TestGateway, partner: Partner, loanId: string) {
  const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(partner, idempotencyHeader()));
  expect(res.status, res.text).toBe(200);
  return res.body as Loan;
}

/**
 * An offer that is open: customer → application → approval. Returns the ids and the offer.
 * `terms` replace {@link DEFAULT_OFFER} fields.
 */
export async function openOffer(gw: TestGateway, partner: Partner, terms: OfferTerms = {}) {
  const application = await submitApplication(gw, partner);
  const approved = await approveApplication(gw, partner, application.id, terms);
  return {
    customerId: application.customerId,
    applicationId: application.id,
    offerId: approved.offerId,
    offer: approved.offer,
  };
}

/**
 * An active loan: customer → application → approval (with `terms`) → acceptance → disbursement.
 * Returns the ids and the disbursed loan.
 */
export async function activeLoan(gw: TestGateway, partner: Partner, terms: OfferTerms = {}) {
  const { customerId, applicationId, offerId } = await openOffer(gw, partner, terms);
  const accepted = await acceptOffer(gw, partner, offerId);
  const loan = await disburseLoan(gw, partner, accepted.loanId);
  return { customerId, applicationId, offerId, loanId: loan.id, loan };
}

/** Advances the partner's test clock by `seconds` (runs due lending work); returns the new time. */
export async function advanceClock(gw: TestGateway, partner: Partner, seconds: number): Promise<Date> {
  const res = await gw.request('POST', '/v1/test-helpers/clock/advance', { key: partner.key, body: { seconds } });
  expect(res.status, res.text).toBe(200);
  return new Date(res.body.now);
}
