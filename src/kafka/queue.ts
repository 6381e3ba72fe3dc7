/**
 * A bounded hand-off between kafkajs's push (eachBatch) and the engine's pull (for await): `push` waits
 * while the queue is full (backpressure reaches the broker fetch), `pull` waits while it is empty.
 * `fail` makes the next pull throw; `end` makes pulls return `done` once drained.
 */
export class HandOff<T> {
  private items: T[] = [];
  private error: unknown;
  private ended = false;
  private waitingPull: (() => void) | null = null;
  private waitingPush: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be >= 1');
  }

  get size(): number {
    return this.items.length;
  }

  get closed(): boolean {
    return this.ended || this.error !== undefined;
  }

  private wakePull(): void {
    const w = this.waitingPull;
    this.waitingPull = null;
    w?.();
  }

  private wakePushers(): void {
    const ws = this.waitingPush;
    this.waitingPush = [];
    for (const w of ws) w();
  }

  /** Waits until there is room (or `wait` resolves first: returns false then, to let the caller heartbeat). */
  async waitForRoom(wait?: Promise<void>): Promise<boolean> {
    while (this.items.length >= this.capacity && !this.closed) {
      const room = new Promise<void>((r) => this.waitingPush.push(r));
      if (wait) {
        const which = await Promise.race([room.then(() => 'room' as const), wait.then(() => 'timer' as const)]);
        if (which === 'timer') return false;
      } else await room;
    }
    return true;
  }

  /** Adds an item if there is room and the queue is open; false otherwise. */
  offer(item: T): boolean {
    if (this.closed || this.items.length >= this.capacity) return false;
    this.items.push(item);
    this.wakePull();
    return true;
  }

  async pull(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.items.length > 0) {
        const value = this.items.shift() as T;
        this.wakePushers();
        return { value, done: false };
      }
      if (this.error !== undefined) throw this.error;
      if (this.ended) return { value: undefined, done: true };
      await new Promise<void>((r) => (this.waitingPull = r));
    }
  }

  fail(err: unknown): void {
    if (this.error === undefined) this.error = err ?? new Error('failed');
    this.wakePull();
    this.wakePushers();
  }

  end(): void {
    this.ended = true;
    this.wakePull();
    this.wakePushers();
  }
}
