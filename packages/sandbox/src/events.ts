import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from './db.js';

export interface BusEvent {
  /** Monotonic id within the topic's store, used as the SSE `id` and for Last-Event-ID replay. */
  id: string;
  type: string;
  data: unknown;
}

type Listener = (event: BusEvent) => void;
/** Why open streams are ended: the server closes, or the bus lost (or regained) its link to other instances. */
export type StreamEnd = 'shutdown' | 'event-bus-reconnect';

/**
 * Publish/subscribe for live streams, published after the commit of what the event records. Durable
 * replay (Last-Event-ID) is the publishing service's job; the bus only carries what happens now.
 */
export interface EventBus {
  subscribe(topic: string, listener: Listener): () => void;
  publish(topic: string, event: BusEvent): void;
  subscriberCount(topic: string): number;
  /** Registers how an open stream ends when the bus ends it; returns the unregistration. */
  onEnd(end: (reason: StreamEnd) => void): () => void;
  /** Ends every open stream: a server that waited for them would never finish closing. */
  shutdown(): void;
  close(): Promise<void>;
}

/** The bus of one process (SQLite: the only instance), and the local half of the PostgreSQL bus. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly openStreamEnds = new Set<(reason: StreamEnd) => void>();

  onEnd(end: (reason: StreamEnd) => void): () => void {
    this.openStreamEnds.add(end);
    return () => this.openStreamEnds.delete(end);
  }

  shutdown(): void {
    this.endStreams('shutdown');
  }

  protected endStreams(reason: StreamEnd): void {
    for (const end of [...this.openStreamEnds]) end(reason);
  }

  subscribe(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(topic);
    };
  }

  publish(topic: string, event: BusEvent): void {
    this.deliver(topic, event);
  }

  protected deliver(topic: string, event: BusEvent): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(event);
  }

  subscriberCount(topic: string): number {
    return this.listeners.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {}
}

/** Reads one stored event back by topic and id, for an instance notified of an event another one published. */
export type StoredEventReader = (db: Db, topic: string, eventId: string) => BusEvent | undefined;

const CHANNEL = 'citybrain_events';
const RECONNECT_MS = 1000;

/** What a notification carries: small (PostgreSQL caps a payload at 8000 bytes); the event itself is read from its row. */
interface Notice {
  instance: string;
  topic: string;
  id: string;
}

/**
 * The bus of instances sharing one PostgreSQL database: an event is delivered to this instance's
 * streams at once and announced to the others with NOTIFY (sent when the publishing statement's
 * transaction commits); every instance LISTENs on its own asynchronous connection and reads the
 * announced event's row for the topics its streams follow. While that connection is down an instance
 * would miss announcements, so losing it and regaining it both end the open streams with `reconnect`:
 * their clients come back with Last-Event-ID and the replay, from the database, misses nothing.
 */
export class PostgresEventBus extends LocalEventBus {
  private readonly instance = randomUUID();
  private listener: pg.Client | null = null;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly db: Db,
    private readonly read: StoredEventReader,
    private readonly log: (message: string) => void,
  ) {
    super();
  }

  static async connect(url: string, db: Db, read: StoredEventReader, log: (message: string) => void): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(url, db, read, log);
    await bus.listen();
    return bus;
  }

  override publish(topic: string, event: BusEvent): void {
    this.deliver(topic, event);
    const notice: Notice = { instance: this.instance, topic, id: event.id };
    this.db.prepare('SELECT pg_notify(?, ?)').get(CHANNEL, JSON.stringify(notice));
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'citybrain-sandbox events' });
    client.on('notification', (message) => this.announced(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  private announced(payload: string | undefined): void {
    const notice = JSON.parse(payload ?? '{}') as Partial<Notice>;
    if (notice.instance === this.instance || !notice.topic || !notice.id || !this.subscriberCount(notice.topic)) return;
    const event = this.read(this.db, notice.topic, notice.id);
    if (event) this.deliver(notice.topic, event);
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (this.closed || this.listener !== client) return;
    this.listener = null;
    this.log(`event bus: lost the LISTEN connection${error ? ` (${error.message})` : ''}; reconnecting`);
    client.end().catch(() => undefined);
    this.endStreams('event-bus-reconnect');
    const retry = () => {
      if (this.closed) return;
      this.listen().then(
        () => this.endStreams('event-bus-reconnect'),
        () => setTimeout(retry, RECONNECT_MS).unref(),
      );
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }
}
