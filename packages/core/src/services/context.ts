import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Db } from '../db/index.js';

/** Hex SHA-256 of a string. Injected so Node can use its native hash and the edge a pure-JS one. */
export type Hasher = (input: string) => string;

/** SHA-256 in pure JavaScript (@noble/hashes): synchronous and available on every runtime. */
export const sha256Hex: Hasher = (input) => bytesToHex(sha256(utf8ToBytes(input)));

/** What every service needs: the database, the clock and the hasher. */
export interface ServiceContext {
  db: Db;
  /** Current time; tests inject a controllable clock. */
  now: () => Date;
  hash: Hasher;
}

/** The tenant a query runs for: every read and write is scoped by account and mode. */
export interface TenantScope {
  accountId: string;
  livemode: boolean;
}

/** A service-level error the gateway maps to a problem response. */
export class ServiceError extends Error {
  constructor(
    readonly code: 'not_found' | 'state_conflict' | 'unprocessable' | 'platform_scope_not_allowed',
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** ISO 8601 UTC string of a date, or null. */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
