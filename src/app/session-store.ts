// The last session in IndexedDB: the source files as dropped (re-read on reload, so
// storage stays the size of the input) and the work state (features, settings,
// threshold, model). Nothing secret is stored here.
import type { ModelJson } from '../model/types.js';
import type { TrainSettings } from './workbench.js';

const DB = 'isoscope';
const STORE = 'session';
const VERSION = 1;

export interface SavedFiles {
  files: { name: string; blob: Blob }[];
  entry?: string;
}

export interface SavedState {
  features: string[];
  settings: TrainSettings;
  contamination: 'auto' | number;
  model?: ModelJson;
  selectedUnit?: number;
  savedAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is unavailable'));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
    });
  } finally {
    db.close();
  }
}

export const sessionStore = {
  saveFiles: (f: SavedFiles) =>
    run('readwrite', (s) => {
      s.put(f, 'files');
      s.delete('state'); // new data: the old state no longer applies
    }),
  saveState: (st: SavedState) => run('readwrite', (s) => s.put(st, 'state')),
  loadFiles: () => run<SavedFiles>('readonly', (s) => s.get('files')),
  loadState: () => run<SavedState>('readonly', (s) => s.get('state')),
  clear: () => run('readwrite', (s) => s.clear()),
};
