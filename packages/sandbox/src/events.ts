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
