// A local AMQP 1.0 server speaking the subset of Event Hubs that @azure/event-hubs uses:
// SASL ANONYMOUS, CBS put-token, $management READ (hub and partition), senders to the
// hub or a partition (batches unpacked, partition chosen by partition key), receivers on
// HUB/ConsumerGroups/G/Partitions/P with start-position filters, credit-driven delivery
// and epoch (owner level) link stealing. Events live in a HubStore the test owns, so a
// stopped and restarted server still has them. Plain AMQP over TCP for Node clients, and
// AMQP over secure WebSockets (the only transport the browser SDK uses). Loopback only; tests only.
import rhea, { type Connection, type EventContext, type Message, type Sender } from 'rhea';
import type { Server } from 'node:net';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';
import { createHmac } from 'node:crypto';

export interface StoredEvent {
  message: Message;
  sequenceNumber: number;
  offset: number;
  enqueuedTime: Date;
  partitionKey?: string;
}

export class HubStore {
  readonly partitions: StoredEvent[][];
  private readonly waiters = new Set<() => void>();
  readonly createdAt = new Date();

  constructor(partitionCount: number) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
  }

  append(partition: number, message: Message, partitionKey?: string): void {
    const events = this.partitions[partition];
    const last = events[events.length - 1];
    events.push({ message, sequenceNumber: events.length, offset: last ? last.offset + 1 : 0, enqueuedTime: new Date(), partitionKey });
    this.waiters.forEach((w) => w());
  }

  /** Wakes every receiver (after a paused partition resumes). */
  poke(): void {
    this.waiters.forEach((w) => w());
  }

  onAppend(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  partitionFor(key: string | undefined, roundRobin: number): number {
    if (key === undefined) return roundRobin % this.partitions.length;
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    return h % this.partitions.length;
  }

  get total(): number {
    return this.partitions.reduce((s, p) => s + p.length, 0);
  }
}

/** Index of the first event a receiver with this selector filter should get. */
function startIndex(events: StoredEvent[], filter: string): number {
  const m = /amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'/.exec(filter);
  if (!m) return 0;
  const [, field, op, raw] = m;
  if (raw === '@latest') return events.length;
  const value = Number(raw);
  const inclusive = op === '>=';
  const key = (e: StoredEvent) =>
    field === 'offset' ? e.offset : field === 'sequence-number' ? e.sequenceNumber : e.enqueuedTime.getTime();
  const i = events.findIndex((e) => (inclusive ? key(e) >= value : key(e) > value));
  return i < 0 ? events.length : i;
}

export interface HubServerOptions {
  hub: string;
  store: HubStore;
  port?: number;
  /** Port for the WSS endpoint (0 or absent: any free one). */
  wssPort?: number;
  host?: string;
  /** The namespace's shared access key: when set, CBS checks each SAS token's signature and expiry (401 otherwise), as the service does. */
  key?: string;
  /** PEM certificate and key for the WSS endpoint; without them there is none. */
  tls?: { cert: string; key: string };
}

const LINK_OPTIONS = {
  receiver_options: { autoaccept: false, max_message_size: 1024 * 1024 },
  sender_options: { autosettle: true, max_message_size: 1024 * 1024 },
};

export class EventHubServer {
  readonly hub: string;
  readonly store: HubStore;
  private readonly container = rhea.create_container();
  private listener?: Server;
  private wssServer?: HttpsServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly connections = new Set<Connection>();
  private readonly pumps = new Map<Sender, () => void>();
  private readonly owners = new Map<string, { sender: Sender; epoch: number }[]>();
  private roundRobin = 0;
  private readonly opts: HubServerOptions;
  /** Partitions that deliver nothing (a stall: events are enqueued and reported, none handed out). */
  readonly paused = new Set<number>();

  constructor(opts: HubServerOptions) {
    this.opts = opts;
    this.hub = opts.hub;
    this.store = opts.store;
    const c = this.container;
    c.sasl_server_mechanisms.enable_anonymous();
    c.on('connection_open', (ctx: EventContext) => this.connections.add(ctx.connection));
    c.on('connection_close', (ctx: EventContext) => this.dropConnection(ctx.connection));
    c.on('disconnected', (ctx: EventContext) => this.dropConnection(ctx.connection));
    c.on('error', (e: unknown) => console.error('hub server error', e));
    c.on('receiver_open', (ctx: EventContext) => {
      const r = ctx.receiver!;
      r.set_source(r.source);
      r.set_target(r.target);
    });
    c.on('sender_open', (ctx: EventContext) => this.openSender(ctx));
    c.on('sender_close', (ctx: EventContext) => this.closeSender(ctx.sender!));
    c.on('message', (ctx: EventContext) => this.onMessage(ctx));
  }

  /** Partition receivers attached now: a test that starts at "latest" sends only once its receivers are there. */
  get receivers(): number {
    return this.pumps.size;
  }

  get port(): number {
    const a = this.listener?.address();
    return a && typeof a === 'object' ? a.port : -1;
  }

  /** The connection string the SDK's emulator mode accepts: plain AMQP on this port. */
  connectionString(): string {
    return `Endpoint=sb://127.0.0.1:${this.port}/;SharedAccessKeyName=local;SharedAccessKey=${this.opts.key ?? 'bG9jYWw='};EntityPath=${this.hub};UseDevelopmentEmulator=true`;
  }

  /** The WSS endpoint's port (the browser client dials wss://127.0.0.1:PORT/$servicebus/websocket). */
  get wssPort(): number {
    const a = this.wssServer?.address();
    return a && typeof a === 'object' ? a.port : -1;
  }

  /** What a browser user pastes: the same namespace, reached over WSS. */
  browserConnectionString(): string {
    return `Endpoint=sb://127.0.0.1:${this.wssPort}/;SharedAccessKeyName=local;SharedAccessKey=${this.opts.key ?? 'bG9jYWw='};EntityPath=${this.hub}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.listener = this.container.listen({
        port: this.opts.port ?? 0,
        host: this.opts.host ?? '127.0.0.1',
        ...LINK_OPTIONS,
      } as never);
      this.listener.once('error', reject);
      this.listener.once('listening', () => resolve());
    });
    if (this.opts.tls) await this.startWss(this.opts.tls, this.opts.wssPort ?? 0);
  }

  private async startWss(tls: { cert: string; key: string }, port: number): Promise<void> {
    const server = createHttpsServer(tls);
    const wss = new WebSocketServer({
      server,
      path: '/$servicebus/websocket',
      handleProtocols: (p) => (p.has('AMQPWSB10') ? 'AMQPWSB10' : false),
    });
    wss.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.container.websocket_accept(socket as never, LINK_OPTIONS as never);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.wssServer = server;
  }

  /** Stops listening and drops every connection (a crash, as clients see it); events stay in the store. */
  async stop(): Promise<void> {
    for (const c of this.connections) (c as unknown as { socket?: { destroy?(): void } }).socket?.destroy?.(); // WSS connections are terminated below
    this.connections.clear();
    this.pumps.clear();
    this.owners.clear();
    await new Promise<void>((ok) => (this.listener ? this.listener.close(() => ok()) : ok()));
    this.listener = undefined;
    if (this.wssServer) {
      this.sockets.forEach((s) => s.terminate());
      this.sockets.clear();
      this.wssServer.closeAllConnections();
      await new Promise<void>((ok) => this.wssServer!.close(() => ok()));
      this.wssServer = undefined;
    }
  }

  private dropConnection(conn: Connection): void {
    this.connections.delete(conn);
    for (const s of [...this.pumps.keys()]) if (s.connection === conn) this.closeSender(s);
  }

  private openSender(ctx: EventContext): void {
    const sender = ctx.sender!;
    sender.set_source(sender.source);
    sender.set_target(sender.target);
    const address: string = sender.source?.address ?? '';
    const m = new RegExp(`^${this.hub}/ConsumerGroups/([^/]+)/Partitions/(\\d+)$`, 'i').exec(address);
    if (!m) return; // $cbs / $management reply links
    const partition = Number(m[2]);
    if (partition >= this.store.partitions.length) {
      sender.close({ condition: 'com.microsoft:argument-out-of-range', description: `partition ${partition} does not exist` });
      return;
    }
    const key = `${m[1].toLowerCase()}/${partition}`;
    const epochRaw = (sender.properties as Record<string, unknown> | undefined)?.['com.microsoft:epoch'];
    if (epochRaw !== undefined) {
      const epoch = Number(epochRaw);
      const list = this.owners.get(key) ?? [];
      for (const o of list) {
        if (o.epoch <= epoch && o.sender !== sender) {
          o.sender.close({ condition: 'amqp:link:stolen', description: `a receiver with epoch ${epoch} took partition ${partition}` });
        } else if (o.epoch > epoch) {
          sender.close({
            condition: 'com.microsoft:receiver-disconnected',
            description: `a receiver with a higher epoch (${o.epoch}) owns partition ${partition}`,
          });
          return;
        }
      }
      this.owners.set(key, [...list.filter((o) => o.epoch > epoch), { sender, epoch }]);
    }
    const filter = String(
      (sender.source?.filter as Record<string, { value?: string }> | undefined)?.['apache.org:selector-filter:string']?.value ?? '',
    );
    const events = this.store.partitions[partition];
    let next = startIndex(events, filter);
    const pump = () => {
      while (!this.paused.has(partition) && next < events.length && sender.sendable()) {
        const e = events[next++];
        const last = events[events.length - 1];
        sender.send({
          ...e.message,
          // What a receiver tracking the partition's tail (trackLastEnqueuedEventProperties) reads; others ignore it.
          delivery_annotations: {
            last_enqueued_sequence_number: rhea.types.wrap_long(last.sequenceNumber),
            last_enqueued_offset: String(last.offset),
            last_enqueued_time_utc: last.enqueuedTime.getTime(),
            runtime_info_retrieval_time_utc: Date.now(),
          },
          message_annotations: {
            ...(e.message.message_annotations ?? {}),
            'x-opt-sequence-number': rhea.types.wrap_long(e.sequenceNumber),
            'x-opt-offset': String(e.offset),
            'x-opt-enqueued-time': e.enqueuedTime,
            ...(e.partitionKey !== undefined ? { 'x-opt-partition-key': e.partitionKey } : {}),
          },
        });
      }
    };
    const unsubscribe = this.store.onAppend(pump);
    this.pumps.set(sender, () => unsubscribe());
    sender.on('sendable', pump);
    pump();
  }

  private closeSender(sender: Sender): void {
    this.pumps.get(sender)?.();
    this.pumps.delete(sender);
  }

  private onMessage(ctx: EventContext): void {
    const target: string = ctx.receiver?.target?.address ?? '';
    const message = ctx.message!;
    if (target === '$cbs') {
      const refusal = this.checkToken(String(message.body ?? ''));
      return this.reply(
        ctx,
        message,
        refusal
          ? { 'status-code': rhea.types.wrap_int(401), 'status-description': refusal }
          : { 'status-code': rhea.types.wrap_int(202), 'status-description': 'Accepted' },
      );
    }
    if (target === '$management') return this.management(ctx, message);
    const partitionMatch = new RegExp(`^${this.hub}/Partitions/(\\d+)$`, 'i').exec(target);
    if (target.toLowerCase() !== this.hub.toLowerCase() && !partitionMatch) {
      ctx.delivery?.reject({ condition: 'amqp:not-found', description: `no entity ${target}` });
      return;
    }
    for (const m of unpack(message)) {
      const key = m.message_annotations?.['x-opt-partition-key'] as string | undefined;
      const partition = partitionMatch ? Number(partitionMatch[1]) : this.store.partitionFor(key, this.roundRobin++);
      const { message_annotations: _annotations, ...rest } = m;
      this.store.append(partition, rest, key);
    }
    ctx.delivery?.accept();
  }

  private management(ctx: EventContext, message: Message): void {
    const p = message.application_properties ?? {};
    if (p.type === 'com.microsoft:eventhub') {
      return this.reply(
        ctx,
        message,
        { operation: 'READ', 'status-code': rhea.types.wrap_int(200) },
        {
          name: this.hub,
          type: 'com.microsoft:eventhub',
          created_at: this.store.createdAt,
          partition_count: this.store.partitions.length,
          partition_ids: this.store.partitions.map((_, i) => String(i)),
        },
      );
    }
    if (p.type === 'com.microsoft:partition') {
      const events = this.store.partitions[Number(p.partition)];
      if (!events) {
        return this.reply(ctx, message, {
          operation: 'READ',
          'status-code': 400,
          'error-condition': 'com.microsoft:argument-out-of-range',
          'status-description': `partition ${p.partition} does not exist`,
        });
      }
      const last = events[events.length - 1];
      return this.reply(
        ctx,
        message,
        { operation: 'READ', 'status-code': rhea.types.wrap_int(200) },
        {
          name: this.hub,
          type: 'com.microsoft:partition',
          partition: String(p.partition),
          begin_sequence_number: rhea.types.wrap_long(0),
          last_enqueued_sequence_number: rhea.types.wrap_long(last ? last.sequenceNumber : -1),
          last_enqueued_offset: last ? String(last.offset) : '-1',
          last_enqueued_time_utc: last ? last.enqueuedTime : new Date(0),
          is_partition_empty: events.length === 0,
        },
      );
    }
    ctx.delivery?.accept();
  }

  /** Why a put-token is refused, or undefined when it is good (always, without a key). */
  private checkToken(token: string): string | undefined {
    if (this.opts.key === undefined) return undefined;
    const fields = new URLSearchParams(token.replace(/^SharedAccessSignature\s+/, ''));
    const sr = fields.get('sr') ?? '';
    const se = fields.get('se') ?? '';
    const expected = createHmac('sha256', this.opts.key)
      .update(`${encodeURIComponent(sr)}\n${se}`)
      .digest('base64');
    if (fields.get('sig') !== expected) return 'InvalidSignature: The token has an invalid signature.';
    if (Number(se) * 1000 < Date.now()) return 'ExpiredToken: The token is expired.';
    return undefined;
  }

  private reply(ctx: EventContext, request: Message, props: Record<string, unknown>, body?: unknown): void {
    ctx.delivery?.accept();
    const to = request.reply_to;
    const out: Message = { to, correlation_id: request.message_id, application_properties: props, body };
    const sender = ctx.connection.find_sender((s: Sender) => s.target?.address === to || s.name === to);
    if (sender) sender.send(out);
  }
}

/**
 * A batch (message format 0x80013700) reaches rhea undecoded: a Buffer holding one
 * message whose data sections are themselves encoded messages.
 */
function unpack(message: Message | Buffer): Message[] {
  if (!Buffer.isBuffer(message)) return [message];
  const outer = rhea.message.decode(message) as unknown as { body?: { multiple?: boolean; content?: Buffer | Buffer[] } };
  const content = outer.body?.content;
  if (!content) return [outer as unknown as Message];
  return (Array.isArray(content) ? content : [content]).map((b) => rhea.message.decode(b) as unknown as Message);
}
