/** The sandbox's notion of "now": real time by default, pinned or shifted by tests through /__sandbox/clock. */
export class Clock {
  private offsetMs = 0;
  private pinned: number | null = null;
  private readonly listeners = new Set<() => void>();

  now(): Date {
    return new Date(this.pinned ?? Date.now() + this.offsetMs);
  }

  /** Pins the clock at `date`, or returns to real time with `null`. */
  set(date: Date | null): void {
    this.pinned = date ? date.getTime() : null;
    this.changed();
  }

  advance(ms: number): void {
    if (this.pinned !== null) this.pinned += ms;
    else this.offsetMs += ms;
    this.changed();
  }

  /**
   * Calls `listener` whenever the clock is set or moved, so whoever waits on a timer for a moment of
   * this clock (an open stream waiting for its token to expire) can look again. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
