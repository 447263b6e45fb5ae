import { z } from 'zod';

/**
 * Id prefixes of every Lendwire resource. An id is `<prefix>_<26 lowercase base32 characters>`:
 * 10 characters of millisecond timestamp followed by 16 random characters, so ids sort by creation
 * time in any collation and list endpoints can page by id.
 */
export const ID_PREFIXES = {
  account: 'acct',
  apiKey: 'key',
  customer: 'cus',
  loanApplication: 'lap',
  loanOffer: 'lof',
  loan: 'loan',
  repayment: 'rpy',
  mandate: 'mdt',
  wallet: 'wal',
  transaction: 'txn',
  bankAccount: 'ba',
  withdrawal: 'wd',
  notification: 'ntf',
  event: 'evt',
  webhookEndpoint: 'we',
  message: 'msg',
  attempt: 'atm',
  creditAssessment: 'ca',
  request: 'req',
  /** Internal: a ledger account (wallet sides and system accounts). Never in a public response. */
  ledgerAccount: 'lac',
  /** Internal: a notification's delivery on one channel, and one attempt to send it. */
  notificationDelivery: 'ntd',
  notificationAttempt: 'nta',
} as const;

/** A resource kind that has an id prefix. */
export type IdKind = keyof typeof ID_PREFIXES;
/** One of the id prefixes, such as `cus`. */
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

let lastTime = 0;
let lastRandom: number[] = [];

function randomDigits(count: number): number[] {
  const bytes = new Uint8Array(count);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b & 31);
}

/** Increments a base32 digit array in place; used to keep ids monotonic within one millisecond. */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digits[i] as number;
    if (d < 31) {
      digits[i] = d + 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

/**
 * Generates a new, time-ordered id for a resource kind, e.g. `generateId('customer')` →
 * `cus_01jd8x3k5w9q4r7t2m6n0p8s1v`. Ids made by one process are strictly increasing.
 */
export function generateId(kind: IdKind, now: number = Date.now()): string {
  let time = Math.max(now, lastTime);
  if (time === lastTime) {
    if (!increment(lastRandom)) {
      time += 1;
      lastRandom = randomDigits(16);
    }
  } else {
    lastRandom = randomDigits(16);
  }
  lastTime = time;
  let timePart = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    timePart = CROCKFORD[t % 32] + timePart;
    t = Math.floor(t / 32);
  }
  return `${ID_PREFIXES[kind]}_${timePart}${lastRandom.map((d) => CROCKFORD[d]).join('')}`;
}

/** True when `value` is a well-formed id of the given kind. */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return value.startsWith(prefix) && ID_BODY.test(value.slice(prefix.length));
}

const ANY_ID = /^[a-z]{2,4}_[0-9a-hjkmnp-tv-z]{26}$/;

/** True when `value` has the shape of a Lendwire id of any kind (`<prefix>_<26 base32>`). */
export function looksLikeId(value: string): boolean {
  return ANY_ID.test(value);
}

/** A zod schema for ids of one kind (`idSchema('customer')` accepts `cus_…`). */
export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIXES[kind];
  return z
    .string()
    .refine((v) => isId(kind, v), { message: `must be a ${prefix}_… id` })
    .meta({ description: `Id of a ${kind}, prefixed \`${prefix}_\``, example: `${prefix}_01jd8x3k5w9q4r7t2m6n0p8s1v` });
}
