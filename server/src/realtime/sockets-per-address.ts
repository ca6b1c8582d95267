/**
 * Open WebSockets per client address: one address (a script, a misbehaving tab farm) cannot hold
 * all of a node's sockets. Counted from the upgrade to the close. Behind a balancer the address
 * is the client's only with TRUST_PROXY set; otherwise every client shares the balancer's.
 */
export class SocketsPerAddress {
  private readonly open = new Map<string, number>();

  /** `max` 0: no limit. */
  constructor(readonly max: number) {}

  /** Takes a slot for the address; false when it already holds `max` sockets. */
  acquire(address: string): boolean {
    if (this.max <= 0) return true;
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    if (this.max <= 0) return;
    const n = this.open.get(address) ?? 0;
    if (n <= 1) this.open.delete(address);
    else this.open.set(address, n - 1);
  }

  /** Addresses holding at least one socket (the map never outgrows the sockets open). */
  get addresses(): number {
    return this.open.size;
  }
}
