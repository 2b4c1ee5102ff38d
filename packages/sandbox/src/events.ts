export interface BusEvent {
  /** Monotonic id within the topic's store, used as the SSE `id` and for Last-Event-ID replay. */
  id: string;
  type: string;
  data: unknown;
}

type Listener = (event: BusEvent) => void;

/** In-process publish/subscribe for live streams; durable replay is the publishing service's job. */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly streamsByClient = new Map<string, number>();
  private readonly openStreamEnds = new Set<() => void>();

  /** Counts one more open stream for `client` unless it already holds `max`; false when it does. */
  claimStream(client: string, max: number): boolean {
    const open = this.streamsByClient.get(client) ?? 0;
    if (open >= max) return false;
    this.streamsByClient.set(client, open + 1);
    return true;
  }

  releaseStream(client: string): void {
    const open = (this.streamsByClient.get(client) ?? 1) - 1;
    if (open > 0) this.streamsByClient.set(client, open);
    else this.streamsByClient.delete(client);
  }

  openStreams(client: string): number {
    return this.streamsByClient.get(client) ?? 0;
  }

  /** Registers how an open stream ends when the server shuts down; returns the unregistration. */
  onShutdown(end: () => void): () => void {
    this.openStreamEnds.add(end);
    return () => this.openStreamEnds.delete(end);
  }

  /** Ends every open stream: a server that waited for them would never finish closing. */
  shutdown(): void {
    for (const end of [...this.openStreamEnds]) end();
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
    for (const listener of this.listeners.get(topic) ?? []) listener(event);
  }

  subscriberCount(topic: string): number {
    return this.listeners.get(topic)?.size ?? 0;
  }
}
