// The Connect forms' values: names and endpoints in localStorage; the secrets (connection
// string, key) only when the user ticks "Remember on this device", then in IndexedDB.
import type { CosmosForm, HubForm } from '../connectors/link-settings.js';
import { kv } from '../connectors/kv-store.js';

export interface ConnectForms {
  hub: HubForm;
  cosmos: CosmosForm;
  /** Keep the secrets in this browser's storage (IndexedDB) across reloads. */
  remember: boolean;
}

const PLAIN_KEY = 'isoscope.connect';
const SECRET_KEY = 'connect';

export const emptyForms = (): ConnectForms => ({
  hub: { connectionString: '', hub: '', consumerGroup: '$Default', start: 'latest' },
  cosmos: { endpoint: '', key: '', database: 'iot-sensor-db', container: 'anomalies', modelsContainer: 'models' },
  remember: false,
});

/** True once the user has saved Connect settings in this browser. */
export function hasSavedForms(): boolean {
  return localStorage.getItem(PLAIN_KEY) !== null;
}

export async function loadForms(): Promise<ConnectForms> {
  const plain = JSON.parse(localStorage.getItem(PLAIN_KEY) ?? 'null') as Partial<ConnectForms> | null;
  const secret = await kv.get<ConnectForms>('settings', SECRET_KEY);
  const base = emptyForms();
  const from = secret ?? plain;
  return from ? { hub: { ...base.hub, ...from.hub }, cosmos: { ...base.cosmos, ...from.cosmos }, remember: !!secret } : base;
}

export async function saveForms(forms: ConnectForms): Promise<void> {
  const plain = { hub: { ...forms.hub, connectionString: '' }, cosmos: { ...forms.cosmos, key: '' } };
  localStorage.setItem(PLAIN_KEY, JSON.stringify(plain));
  if (forms.remember) await kv.put('settings', SECRET_KEY, forms);
  else await kv.delete('settings', SECRET_KEY);
}
