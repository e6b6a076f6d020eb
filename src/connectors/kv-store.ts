// Key-value stores in IndexedDB (idb-keyval), usable from the page and from workers:
// stream positions, the persist outbox, and settings the user chose to remember. One
// database per store, as idb-keyval creates them; ranges and counted reads go through
// its raw store access.
import { createStore, get, promisifyRequest, set, setMany, type UseStore } from 'idb-keyval';

export type StoreName = 'checkpoints' | 'outbox' | 'settings';

const stores = new Map<StoreName, UseStore>();

function storeOf(name: StoreName): UseStore {
  let s = stores.get(name);
  if (!s) stores.set(name, (s = createStore(`isoscope-${name}`, name)));
  return s;
}

export const kv = {
  get: <T>(store: StoreName, key: IDBValidKey) => get<T>(key, storeOf(store)),
  put: (store: StoreName, key: IDBValidKey, value: unknown) => set(key, value, storeOf(store)),
  /** Several keys in one transaction: all are written or none. */
  putMany: (store: StoreName, entries: [IDBValidKey, unknown][]) => setMany(entries, storeOf(store)),
  delete: (store: StoreName, key: IDBValidKey | IDBKeyRange) =>
    storeOf(store)('readwrite', (s) => {
      s.delete(key);
      return promisifyRequest(s.transaction);
    }),
  /** Keys in order, optionally within a range (e.g. one hub's checkpoints). */
  keys: (store: StoreName, range?: IDBKeyRange) => storeOf(store)('readonly', (s) => promisifyRequest(s.getAllKeys(range))),
  values: <T>(store: StoreName, range?: IDBKeyRange, count?: number) =>
    storeOf(store)('readonly', (s) => promisifyRequest(s.getAll(range, count) as IDBRequest<T[]>)),
};

/** All keys that start with `prefix` (string keys). */
export const prefixRange = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);
