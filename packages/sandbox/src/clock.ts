/** The sandbox's notion of "now": real time by default, pinned or shifted by tests through /__sandbox/clock. */
export class Clock {
  private offsetMs = 0;
  private pinned: number | null = null;

  now(): Date {
    return new Date(this.pinned ?? Date.now() + this.offsetMs);
  }

  /** Pins the clock at `date`, or returns to real time with `null`. */
  set(date: Date | null): void {
    this.pinned = date ? date.getTime() : null;
  }

  advance(ms: number): void {
    if (this.pinned !== null) this.pinned += ms;
    else this.offsetMs += ms;
  }
}
