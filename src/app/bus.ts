// The page's event bus and status line: views subscribe to topics; controllers emit
// them after changing state, and report progress or failure in one line.
export type Topic = 'status' | 'data' | 'model' | 'threshold' | 'unit' | 'explain' | 'progress' | 'live' | 'link';

export class Bus {
  status = 'Drop sensor data here, or load the C-MAPSS sample.';
  error = '';
  private listeners = new Map<Topic, Set<() => void>>();

  on(topic: Topic, fn: () => void): void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(fn);
  }

  emit(...topics: Topic[]): void {
    for (const t of topics) this.listeners.get(t)?.forEach((fn) => fn());
  }

  say(status: string): void {
    this.status = status;
    this.error = '';
    this.emit('status');
  }

  fail(message: string): void {
    this.error = message;
    this.emit('status');
  }
}
