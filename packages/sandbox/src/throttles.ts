/**
 * Per-client limits that must hold across every instance on one database, so they count in the
 * database (`core/004-shared-counters`), never in a process: failures within a sliding window (the
 * public lookup), and the event streams a client holds open.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { LockSpace, lockUntilCommit } from './storage/locks.js';

/** Failures per key within a sliding window of `windowMs`, on the sandbox clock the caller passes. */
export class FailureThrottle {
  constructor(
    private readonly db: Db,
    /** Keeps the keys of one throttle apart from another's in the shared table. */
    private readonly scope: string,
    private readonly windowMs: number,
  ) {}

  /** Seconds to wait when a key has used up its failures (`limit` within the window), else 0. */
  retryAfter(keys: [key: string, limit: number][], now: number): number {
    let wait = 0;
    for (const [key, limit] of keys) {
      const { failures, oldest } = this.db
        .prepare('SELECT count(*) AS failures, min(at) AS oldest FROM throttle_hits WHERE key = ? AND at > ?')
        .get(this.keyOf(key), now - this.windowMs) as { failures: number; oldest: number | null };
      if (failures >= limit && oldest !== null) wait = Math.max(wait, Math.ceil((oldest + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(keys: string[], now: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM throttle_hits WHERE at <= ?').run(now - this.windowMs);
      const insert = this.db.prepare('INSERT INTO throttle_hits (key, at) VALUES (?, ?)');
      for (const key of keys) insert.run(this.keyOf(key), now);
    })();
  }

  forget(key: string): void {
    this.db.prepare('DELETE FROM throttle_hits WHERE key = ?').run(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return `${this.scope}:${key}`;
  }
}

/** How long a stream's lease lasts without renewal: an instance that died stops counting after this. */
const LEASE_MS = 60_000;
const RENEW_EVERY_MS = LEASE_MS / 3;

/**
 * The event streams each client holds open, on every instance: a stream holds a lease in the
 * database, which its instance renews while it lives and drops when the stream ends. Leases run on
 * the wall clock, not the sandbox clock: they measure whether an instance is alive.
 */
export class StreamLeases {
  private readonly instance = randomUUID();
  private readonly renewal: NodeJS.Timeout;

  constructor(private readonly db: Db) {
    this.renewal = setInterval(() => this.renew(), RENEW_EVERY_MS);
    this.renewal.unref();
  }

  /** A lease for one more stream of `client` unless it already holds `max`; null when it does. */
  claim(client: string, max: number): string | null {
    return this.db.transaction(() => {
      lockUntilCommit(this.db, LockSpace.streamClient, client);
      const now = Date.now();
      this.db.prepare('DELETE FROM stream_leases WHERE client = ? AND lease_until <= ?').run(client, now);
      if (this.open(client) >= max) return null;
      const id = randomUUID();
      this.db.prepare('INSERT INTO stream_leases (id, client, instance, lease_until) VALUES (?, ?, ?, ?)').run(id, client, this.instance, now + LEASE_MS);
      return id;
    })();
  }

  release(lease: string): void {
    this.db.prepare('DELETE FROM stream_leases WHERE id = ?').run(lease);
  }

  /** Streams `client` holds open on every instance. */
  open(client: string): number {
    return (this.db.prepare('SELECT count(*) AS open FROM stream_leases WHERE client = ? AND lease_until > ?').get(client, Date.now()) as { open: number }).open;
  }

  /** Stops renewing; the streams' own ends release their leases. */
  close(): void {
    clearInterval(this.renewal);
  }

  private renew(): void {
    this.db.prepare('UPDATE stream_leases SET lease_until = ? WHERE instance = ?').run(Date.now() + LEASE_MS, this.instance);
  }
}
