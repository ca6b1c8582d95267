/**
 * A quantity held in memory on behalf of client addresses (the characters of frames queued while
 * a board loads), capped per address: a per-socket cap alone lets one address hold it once per
 * socket it may open (WS_PER_ADDRESS, 50 by default).
 */
export class AddressBudget {
  private readonly held = new Map<string, number>();

  /** `max` 0: no limit. */
  constructor(readonly max: number) {}

  /** Takes `amount` for the address; false (and nothing taken) when that would exceed `max`. */
  take(address: string, amount: number): boolean {
    if (this.max <= 0) return true;
    const now = this.held.get(address) ?? 0;
    if (now + amount > this.max) return false;
    this.held.set(address, now + amount);
    return true;
  }

  give(address: string, amount: number): void {
    if (this.max <= 0 || amount <= 0) return;
    const left = (this.held.get(address) ?? 0) - amount;
    if (left <= 0) this.held.delete(address);
    else this.held.set(address, left);
  }

  /** What the address holds now. */
  heldBy(address: string): number {
    return this.held.get(address) ?? 0;
  }

  /** Addresses holding anything (the map never outgrows the sockets that hold early frames). */
  get addresses(): number {
    return this.held.size;
  }
}
