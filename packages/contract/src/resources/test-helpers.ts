import { z } from 'zod';
import { CurrencySchema, PositiveAmountSchema } from '../money.js';

/** The furthest one clock advance may jump: 400 days, enough to run a 12-month loan past its end. */
export const MAX_CLOCK_ADVANCE_SECONDS = 400 * 86_400;

/** Body of `POST /v1/test-helpers/clock/advance` (test keys only). */
export const ClockAdvanceSchema = z
  .object({
    seconds: z
      .number()
      .int('seconds must be a whole number')
      .min(1)
      .max(MAX_CLOCK_ADVANCE_SECONDS, `seconds must be at most ${MAX_CLOCK_ADVANCE_SECONDS} (400 days)`)
      .meta({ description: 'How far to move test-mode time forward, 1 second to 400 days', example: 86_400 }),
  })
  .strict()
  .meta({ id: 'ClockAdvance' });
/** Parameters of `POST /v1/test-helpers/clock/advance`. */
export type ClockAdvanceParams = z.input<typeof ClockAdvanceSchema>;

/** The test-mode clock, returned once the work an advance made due has run. */
export const TestClockSchema = z
  .object({
    object: z.literal('test_clock'),
    now: z.string().meta({ description: 'Current test-mode time, ISO 8601 UTC' }),
  })
  .meta({ id: 'TestClock' });
/** The test-mode clock. */
export type TestClock = z.infer<typeof TestClockSchema>;

/**
 * Body of `POST /v1/test-helpers/wallets/fund` (test keys only): credits the caller's test wallet
 * from the external-bank system account, so withdrawals can be tried without a loan.
 */
export const WalletFundSchema = z
  .object({
    amount: PositiveAmountSchema,
    currency: CurrencySchema.default('NGN').meta({ description: 'Wallet currency to credit; defaults to NGN' }),
  })
  .strict()
  .meta({ id: 'WalletFund' });
/** Parameters of `POST /v1/test-helpers/wallets/fund`. */
export type WalletFundParams = z.input<typeof WalletFundSchema>;
