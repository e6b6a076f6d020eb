// A small IndexedDB key-value store usable from the page and from workers: stream
// positions, the persist outbox, and settings the user chose to remember.
const DB = 'isoscope-link';
const VERSION = 1;
export type StoreName = 'checkpoints' | 'outbox' | 'settings';
const STORES: StoreName[] = ['checkpoints', 'outbox', 'settings'];

let opening: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => STORES.forEach((s) => req.result.objectStoreNames.contains(s) || req.result.createObjectStore(s));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is unavailable'));
  });
  opening.catch(() => (opening = undefined));
  return opening;
}

async function tx<T>(store: StoreName, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  return new Promise<T | undefined>((resolve, reject) => {
    const t = db.transaction(store, mode);
    const req = fn(t.objectStore(store));
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
    t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
  });
}

export const kv = {
  get: <T>(store: StoreName, key: IDBValidKey) => tx<T>(store, 'readonly', (s) => s.get(key) as IDBRequest<T>),
  put: (store: StoreName, key: IDBValidKey, value: unknown) => tx(store, 'readwrite', (s) => s.put(value, key)).then(() => undefined),
  delete: (store: StoreName, key: IDBValidKey | IDBKeyRange) => tx(store, 'readwrite', (s) => s.delete(key)).then(() => undefined),
  /** Keys in order, optionally within a range (e.g. one hub's checkpoints). */
  keys: (store: StoreName, range?: IDBKeyRange) => tx<IDBValidKey[]>(store, 'readonly', (s) => s.getAllKeys(range)).then((k) => k ?? []),
  values: <T>(store: StoreName, range?: IDBKeyRange, count?: number) =>
    tx<T[]>(store, 'readonly', (s) => s.getAll(range, count) as IDBRequest<T[]>).then((v) => v ?? []),
};

/** All keys that start with `prefix` (string keys). */
export const prefixRange = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);
