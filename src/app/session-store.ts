// The last session in IndexedDB: the source files as dropped (re-read on reload, so
// storage stays the size of the input) and the work state (features, settings,
// threshold, model). Nothing secret is stored here.
import { clear, createStore, get, promisifyRequest, set } from 'idb-keyval';
import type { ModelJson } from '../model/types.js';
import type { TrainSettings } from './state.js';
import type { UnitColumnChoice } from '../data/roles.js';

export interface SavedFiles {
  files: { name: string; blob: Blob }[];
  entry?: string;
  /** The unit column the files were read by, when picked on the page or taken from a model. */
  unitColumn?: UnitColumnChoice;
}

export interface SavedState {
  features: string[];
  settings: TrainSettings;
  contamination: 'auto' | number;
  model?: ModelJson;
  selectedUnit?: number;
  /** Sorted training scores the threshold's percentiles come from (the model's training data). */
  reference?: Float64Array;
  /** The model's calibrated threshold, kept while the slider is elsewhere so a reload can return to it. */
  calibrated?: ModelJson['threshold'];
  savedAt: string;
}

// The layout of the first release (database "isoscope", store "session"), so saved sessions survive the change to idb-keyval.
const store = createStore('isoscope', 'session');

export const sessionStore = {
  saveFiles: (f: SavedFiles) =>
    store('readwrite', (s) => {
      s.put(f, 'files');
      s.delete('state'); // new data: the old state no longer applies
      return promisifyRequest(s.transaction);
    }),
  saveState: (st: SavedState) => set('state', st, store),
  loadFiles: () => get<SavedFiles>('files', store),
  loadState: () => get<SavedState>('state', store),
  clear: () => clear(store),
};
