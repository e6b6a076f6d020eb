// The page's event bus and its messages: views subscribe to topics; controllers emit
// them after changing state. Each message belongs to the step whose action caused it
// (data, train, review, stream, connect, models, session) and is shown next to that action.
export type Topic =
  | 'status'
  | 'data'
  | 'model'
  | 'threshold'
  | 'unit'
  | 'explain'
  | 'drivers'
  | 'check'
  | 'in-sample'
  | 'progress'
  | 'live'
  | 'link'
  | 'slider-index';

export type Scope = 'data' | 'train' | 'review' | 'stream' | 'connect' | 'models' | 'session';

export interface Message {
  text: string;
  /** An error (shown as an alert) rather than news. */
  error: boolean;
  /** The closing words of `text` about the data loaded when it was said: stale once other data loads. */
  aboutData?: string;
  /** An error about the data loaded (a model it cannot feed): gone once other data loads. */
  ofData?: boolean;
}

export class Bus {
  readonly messages = new Map<Scope, Message>();
  private latest?: Message;
  private listeners = new Map<Topic, Set<() => void>>();

  on(topic: Topic, fn: () => void): void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(fn);
  }

  emit(...topics: Topic[]): void {
    for (const t of topics) this.listeners.get(t)?.forEach((fn) => fn());
  }

  /** News from a step: replaces that step's message (and its error). `aboutData` closes it: words about the data loaded now. */
  say(scope: Scope, text: string, aboutData = ''): void {
    this.post(scope, aboutData ? { text: text + aboutData, error: false, aboutData } : { text, error: false });
  }

  /** Other data is loaded: each step's news stands, less what it said about the data it replaced. */
  dataReplaced(): void {
    for (const [scope, m] of this.messages) {
      if (m.ofData) {
        this.messages.delete(scope);
        if (this.latest === m) this.latest = undefined;
        this.emit('status');
      } else if (m.aboutData && !m.error) this.say(scope, m.text.slice(0, -m.aboutData.length));
    }
  }

  /** `ofData`: the error is about the data loaded now, so other data ends it. */
  fail(scope: Scope, text: string, ofData = false): void {
    this.post(scope, ofData ? { text, error: true, ofData } : { text, error: true });
  }

  /** The newest message's text, whatever its step (for the console and the benches). */
  get status(): string {
    return this.latest && !this.latest.error ? this.latest.text : '';
  }

  get error(): string {
    return this.latest?.error ? this.latest.text : '';
  }

  private post(scope: Scope, m: Message): void {
    this.messages.set(scope, m);
    this.latest = m;
    this.emit('status');
  }
}
