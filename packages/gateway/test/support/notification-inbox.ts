import type { Notification } from '@lendwire/contract';
import { createNotifier } from '@lendwire/core';
import { expect } from 'vitest';
import type { Partner, TestGateway } from './gateway.js';
import { createCustomer, platformFor, submitApplication } from './lending.js';

/**
 * Helpers for the notification routes' tests. Notifications are written by the notifier from the
 * event outbox, never by a request: tests perform a domain action through the API, then run the
 * real notifier's fan-out (no transports: e-mail and SMS deliveries stay `queued`, as no send job
 * runs in these tests).
 */

/** Runs the notifier's fan-out until no event is left; returns how many notifications it wrote. */
export async function fanOut(gw: TestGateway): Promise<number> {
  const notifier = createNotifier(gw.services.ctx);
  let made = 0;
  for (;;) {
    const pass = await notifier.fanOut();
    made += pass.notifications;
    if (pass.events === 0) return made;
  }
}

/**
 * Rejects a new loan application of `partner` as the platform (`Lendwire-Account`), for a new
 * customer (or `customerId`), then fans out: the customer and the account each get a
 * `loan_application.rejected` notification. Returns the ids.
 */
export async function rejectApplication(
  gw: TestGateway,
  partner: Partner,
  options: { customerId?: string; reason?: string } = {},
): Promise<{ customerId: string; applicationId: string }> {
  const customerId = options.customerId ?? (await createCustomer(gw, partner)).id;
  const application = await submitApplication(gw, partner, { customerId });
  const res = await gw.request('POST', `/v1/loan-applications/${application.id}/reject`, {
    ...platformFor(partner),
    body: { reason: options.reason ?? 'Income could not be verified' },
  });
  expect(res.status, res.text).toBe(200);
  await fanOut(gw);
  return { customerId, applicationId: application.id };
}

/** Every notification `key` sees with the query `filters` (e.g. `unread=true`), walking every page. */
export async function listAll(gw: TestGateway, key: string, filters = ''): Promise<Notification[]> {
  const out: Notification[] = [];
  let cursor: string | null = null;
  for (;;) {
    const params = new URLSearchParams(filters);
    params.set('limit', '100');
    if (cursor) params.set('startingAfter', cursor);
    const res = await gw.request('GET', `/v1/notifications?${params}`, { key });
    expect(res.status, res.text).toBe(200);
    out.push(...res.body.data);
    if (!res.body.hasMore) return out;
    cursor = res.body.nextCursor;
  }
}
