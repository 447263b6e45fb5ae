/**
 * Addresses known to be over their failed-authentication budget, and until when. The limiter says
 * so on the failure that crosses the budget; from then on this instance answers 429 from memory,
 * before any key lookup, so a flood of made-up keys from one address costs neither the database nor
 * the limiter. Bounded: the oldest address is forgotten first (it then pays one more lookup).
 */
export class FailureGate {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds until `address` may try again, or 0 when it is not blocked. */
  retryAfter(address: string): number {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.blockedUntil.delete(address);
    return 0;
  }

  block(address: string, seconds: number): void {
    this.blockedUntil.delete(address);
    if (this.blockedUntil.size >= this.maxAddresses) {
      const oldest = this.blockedUntil.keys().next().value;
      if (oldest !== undefined) this.blockedUntil.delete(oldest);
    }
    this.blockedUntil.set(address, this.now() + Math.max(1, seconds) * 1000);
  }
}
