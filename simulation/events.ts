// The simulation's clock: events in time order on a binary heap, events at the same instant in the
// order they were scheduled, so a run is the same every time.

export interface SimEvent {
  /** Epoch ms. */
  at: number;
  run: () => void;
}

interface Queued extends SimEvent {
  seq: number;
}

const before = (a: Queued, b: Queued): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class EventQueue {
  private readonly heap: Queued[] = [];
  private seq = 0;
  /** The instant of the event last taken. */
  now = Number.NEGATIVE_INFINITY;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `run` at `at`; an instant already past runs at the current one, never earlier. */
  schedule(at: number, run: () => void): void {
    const heap = this.heap;
    const event: Queued = { at: Math.max(at, this.now), run, seq: this.seq++ };
    let i = heap.push(event) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent] as Queued)) break;
      heap[i] = heap[parent] as Queued;
      i = parent;
    }
    heap[i] = event;
  }

  /** Takes the earliest event off the queue, or undefined when none is left. */
  next(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right] as Queued, heap[left] as Queued) ? right : left;
        if (!before(heap[child] as Queued, last)) break;
        heap[i] = heap[child] as Queued;
        i = child;
      }
      heap[i] = last;
    }
    this.now = top.at;
    return top;
  }

  /** Runs events in order until none is left; `each` sees every event's instant first. */
  drain(each?: (at: number) => void): void {
    for (let event = this.next(); event; event = this.next()) {
      each?.(event.at);
      event.run();
    }
  }
}
