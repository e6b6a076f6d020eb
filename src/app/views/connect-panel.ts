// Connect: Event Hubs (live-connect, publish replay) and Cosmos DB (persist, model
// registry). Secret fields are password inputs that never leave memory unless
// "Remember on this device" is ticked; values are never put in the URL or logged.
// Folded until used: open when settings were saved before or a link is up.
import { fmt, h, plural } from '../dom.js';
import { messageLine } from './message-line.js';
import type { Workbench } from '../workbench.js';
import type { ConnectForms } from '../connect-forms.js';

const RATES: [string, number][] = [
  ['10 / s', 10],
  ['100 / s', 100],
  ['1,000 / s', 1000],
  ['Maximum', 0],
];

export function connectPanel(wb: Workbench): HTMLElement {
  const ctl = wb.link;
  const input = (label: string, attrs: Record<string, string | boolean> = {}) =>
    h('input', { 'aria-label': label, autocomplete: 'off', spellcheck: 'false', ...attrs });
  const hubConn = input('Event Hubs connection string', {
    type: 'password',
    placeholder: 'Endpoint=sb://…;SharedAccessSignature=SharedAccessSignature sr=…',
  });
  const hubName = input('Event hub name', { placeholder: 'from EntityPath' });
  const group = input('Consumer group', { placeholder: '$Default' });
  const start = h(
    'select',
    { 'aria-label': 'Start position' },
    h('option', { value: 'latest' }, 'Latest'),
    h('option', { value: 'earliest' }, 'Earliest'),
    h('option', { value: 'time' }, 'From a time…'),
  );
  const startTime = input('Start time', { type: 'datetime-local', hidden: true });
  const keyWarning = h(
    'p',
    { class: 'warn', hidden: true, role: 'note' },
    "This connection string carries an account key. Anyone who can read this page's memory (or its storage, if remembered) can use it. Prefer a SAS token limited to Listen and Send.",
  );
  const connect = h('button', { type: 'button', class: 'primary' }, 'Connect live');
  const disconnect = h('button', { type: 'button', disabled: true }, 'Disconnect');
  const forget = h(
    'button',
    { type: 'button', title: 'Start from the start position next time instead of where this page stopped' },
    'Forget saved positions',
  );
  const rate = h('select', { 'aria-label': 'Publish rate' }, ...RATES.map(([l, v]) => h('option', { value: v, selected: v === 100 }, l)));
  const publish = h('button', { type: 'button' }, 'Publish replay');
  const stopPublish = h('button', { type: 'button', disabled: true }, 'Stop');
  const publishState = h('span', { class: 'muted', 'data-testid': 'publish-state' });

  const endpoint = input('Cosmos DB endpoint', { placeholder: 'https://<account>.documents.azure.com:443/' });
  const key = input('Cosmos DB key or resource token', { type: 'password' });
  const database = input('Cosmos DB database');
  const container = input('Cosmos DB container');
  const modelsContainer = input('Cosmos DB models container');
  const connectCosmos = h('button', { type: 'button' }, 'Connect Cosmos DB');
  const persist = h('input', { type: 'checkbox', 'aria-label': 'Persist scored readings to Cosmos DB' });
  const outbox = h('span', { class: 'muted', 'data-testid': 'outbox' });
  const note = input('Model note', { placeholder: 'note (optional)' });
  const publishModel = h('button', { type: 'button', disabled: true }, 'Publish model');
  const published = h('select', { 'aria-label': 'Published models', disabled: true });
  const openModel = h('button', { type: 'button', disabled: true }, 'Open published model');
  const remember = h('input', { type: 'checkbox', 'aria-label': 'Remember on this device' });

  const banner = h('div', { class: 'banner', role: 'status', hidden: true, 'data-testid': 'link-banner' });
  const partitions = h('table', { class: 'partitions', 'aria-label': 'Partitions' });
  // One line per reason readings went unscored.
  const missing = h('p', { class: 'warn', hidden: true, style: 'white-space: pre-line', 'data-testid': 'link-missing' });

  const forms = (): ConnectForms => ({
    hub: {
      connectionString: hubConn.value,
      hub: hubName.value,
      consumerGroup: group.value,
      start: start.value === 'time' ? (startTime.value ? new Date(startTime.value).toISOString() : 'invalid time') : start.value,
    },
    cosmos: {
      endpoint: endpoint.value,
      key: key.value,
      database: database.value,
      container: container.value,
      modelsContainer: modelsContainer.value,
    },
    remember: remember.checked,
  });
  const fill = () => {
    const f = ctl.forms;
    hubConn.value = f.hub.connectionString;
    hubName.value = f.hub.hub ?? '';
    group.value = f.hub.consumerGroup ?? '';
    start.value = ['latest', 'earliest'].includes(f.hub.start) ? f.hub.start : 'latest';
    endpoint.value = f.cosmos.endpoint;
    key.value = f.cosmos.key;
    database.value = f.cosmos.database ?? '';
    container.value = f.cosmos.container ?? '';
    modelsContainer.value = f.cosmos.modelsContainer ?? '';
    remember.checked = f.remember;
    warnKey();
  };
  const warnKey = () => (keyWarning.hidden = !/SharedAccessKey\s*=/i.test(hubConn.value));

  hubConn.addEventListener('input', warnKey);
  start.addEventListener('change', () => (startTime.hidden = start.value !== 'time'));
  remember.addEventListener('change', () => void ctl.save(forms()));
  connect.addEventListener('click', () => void ctl.connectHub(forms()));
  disconnect.addEventListener('click', () => void ctl.disconnectHub());
  forget.addEventListener('click', () => void ctl.forgetPositions(forms()));
  publish.addEventListener('click', () => void ctl.publishReplay(forms(), Number(rate.value)));
  stopPublish.addEventListener('click', () => ctl.stopPublishing());
  connectCosmos.addEventListener('click', () => void ctl.connectCosmos(forms()));
  persist.addEventListener('change', () => void ctl.setPersist(persist.checked));
  publishModel.addEventListener('click', () => void ctl.publishModel(note.value));
  openModel.addEventListener('click', () => published.value && void ctl.openPublished(published.value));

  const render = () => {
    const st = ctl.status;
    const live = ctl.connected;
    connect.disabled = live || !wb.model;
    disconnect.disabled = !live;
    forget.disabled = live;
    const pub = ctl.publish;
    publish.disabled = !!pub?.running || !wb.data;
    stopPublish.disabled = !pub?.running;
    publishState.textContent = pub ? `${fmt(pub.sent)}${pub.total ? ` of ${fmt(pub.total)}` : ''} sent${pub.running ? '…' : ''}` : '';
    persist.checked = ctl.persist;
    persist.disabled = !ctl.cosmos;
    const ob = st?.outbox;
    const pending = ob?.pending ?? ctl.outboxPending;
    outbox.textContent =
      ob && ob.state !== 'off'
        ? `${fmt(ob.written)} written, ${fmt(pending)} queued, ${fmt(ob.perSecond ?? 0)} written/s${ob.state === 'failed' ? ` — retrying: ${ob.message ?? ''}` : ob.message ? ` — ${ob.message}` : ''}`
        : pending
          ? `${plural(pending, 'scored reading')} waiting for Cosmos DB`
          : '';
    publishModel.disabled = !ctl.cosmos || !wb.model;
    published.disabled = openModel.disabled = !ctl.cosmos || !ctl.published.length;
    const chosen = published.value;
    published.replaceChildren(
      ...ctl.published.map((m) =>
        h(
          'option',
          { value: m.id, selected: m.id === chosen },
          `${m.id} · ${m.model_id} · ${m.created.slice(0, 16).replace('T', ' ')}${m.note ? ` · ${m.note}` : ''}`,
        ),
      ),
    );
    banner.hidden = !(st && (st.state === 'reconnecting' || st.state === 'failed'));
    banner.className = `banner ${st?.state === 'failed' ? 'bad' : 'warn'}`;
    banner.textContent =
      st?.state === 'reconnecting'
        ? `Connection lost — reconnecting with backoff; each partition resumes after its last scored event. (${st.message ?? ''})`
        : st?.state === 'failed'
          ? `Live connection stopped: ${st.message ?? 'unknown error'}`
          : '';
    partitions.replaceChildren(
      h('thead', {}, h('tr', {}, ...['Partition', 'State', 'Last sequence #', 'Lag', 'Received'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...(st?.partitions ?? []).map((p) =>
          h(
            'tr',
            { 'data-partition': p.id },
            h('td', {}, p.id),
            h('td', { class: p.state === 'error' ? 'bad' : '' }, p.state),
            h('td', {}, fmt(p.lastSequence)),
            h('td', {}, p.lag === undefined ? '–' : fmt(p.lag)),
            h('td', {}, fmt(p.received)),
          ),
        ),
      ),
    );
    partitions.hidden = !st?.partitions.length;
    const gaps = Object.entries(st?.missing ?? {});
    const unscored = [
      gaps.length ? `Not scored — missing or non-numeric values: ${gaps.map(([name, n]) => `${name} ×${fmt(n)}`).join(', ')}` : '',
      st?.unkeyed ? `Not scored — ${fmt(st.unkeyed.count)} reading(s) could not be keyed (first: ${st.unkeyed.reason})` : '',
      st?.repeated ? `Not scored again — ${fmt(st.repeated)} reading(s) delivered twice (their unit was already scored at that time)` : '',
    ].filter(Boolean);
    missing.hidden = !unscored.length;
    missing.textContent = unscored.join('\n');
  };
  wb.on('link', render);
  wb.on('model', render);
  wb.on('data', render);
  void ctl.restore().then(() => {
    fill();
    if (ctl.saved || ctl.outboxPending) details.open = true;
  });

  const row = (...kids: (Node | string)[]) => h('div', { class: 'form-row' }, ...kids);
  const field = (label: string, el: HTMLElement) => h('label', { class: 'field' }, h('span', {}, label), el);
  const details = h(
    'details',
    { class: 'panel connect' },
    h(
      'summary',
      {},
      h('h3', { id: 'connect-h' }, 'Connect to Azure'),
      h('span', { class: 'muted small' }, ' Event Hubs for live readings, Cosmos DB to keep them'),
    ),
    h(
      'div',
      { class: 'panel-head' },
      h(
        'label',
        {
          class: 'check',
          title: "Keeps the connection string and key in this browser's IndexedDB. Off: they live in memory and are gone on reload.",
        },
        remember,
        'Remember on this device',
      ),
    ),
    banner,
    messageLine(wb, 'connect'),
    h(
      'div',
      { class: 'connect-grid' },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Azure Event Hubs'),
        field('Connection string or SAS', hubConn),
        keyWarning,
        row(field('Event hub', hubName), field('Consumer group', group)),
        row(field('Start', start), startTime),
        row(connect, disconnect, forget),
        row(field('Publish rate', rate), publish, stopPublish, publishState),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Azure Cosmos DB'),
        field('Endpoint', endpoint),
        field('Key or resource token', key),
        row(field('Database', database), field('Container', container), field('Models', modelsContainer)),
        row(connectCosmos, h('label', { class: 'check' }, persist, 'Persist scored readings'), outbox),
        row(note, publishModel),
        row(published, openModel),
      ),
    ),
    partitions,
    missing,
  );
  wb.on('link', () => {
    if (ctl.status || ctl.cosmos) details.open = true;
  });
  return details;
}
