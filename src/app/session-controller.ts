// Keeps the work in this browser: the dropped files and the work state are saved shortly
// after each change and restored on reload. Nothing secret is stored here.
import type { ModelJson } from '../model/types.js';
import type { Profile } from '../data/profile.js';
import type { UnitColumnChoice } from '../data/roles.js';
import type { Bus } from './bus.js';
import { sessionStore } from './session-store.js';
import { absentInputs } from './ingest-controller.js';
import { unitKeyWords, type DataMeta, type TrainSettings } from './state.js';

export interface SessionHost {
  readonly bus: Bus;
  readonly data?: DataMeta;
  readonly busy: string;
  readonly profile?: Profile;
  features: Set<string>;
  settings: TrainSettings;
  readonly contamination: 'auto' | number;
  readonly model?: ModelJson;
  selectedUnit?: number;
  readonly threshold: { reference?: Float64Array; calibrated?: ModelJson['threshold'] };
  readonly models: {
    importModel(text: string, fileName: string, scope: 'data', how: 'imported' | 'rescored'): Promise<void>;
    keepSaved(text: string): Promise<void>;
  };
  loadFiles(files: File[], entry?: string, persist?: boolean, intent?: 'load', unitColumn?: UnitColumnChoice): Promise<void>;
}

export class SessionController {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly host: SessionHost;

  constructor(host: SessionHost) {
    this.host = host;
  }

  /** Saves the work state shortly after the last change (slider drags save once). */
  saveSoon(): void {
    clearTimeout(this.timer);
    const h = this.host;
    this.timer = setTimeout(
      () =>
        void this.persist(() =>
          sessionStore.saveState({
            features: [...h.features],
            settings: { ...h.settings },
            contamination: h.contamination,
            model: h.model,
            selectedUnit: h.selectedUnit,
            reference: h.threshold.reference,
            calibrated: h.threshold.calibrated,
            savedAt: new Date().toISOString(),
          }),
        ),
      400,
    );
  }

  saveFiles(files: File[], entry?: string, unitColumn?: UnitColumnChoice): Promise<void> {
    return this.persist(() => sessionStore.saveFiles({ files: files.map((f) => ({ name: f.name, blob: f })), entry, unitColumn }));
  }

  private async persist(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (e) {
      this.host.bus.fail('session', `Could not save the session in this browser: ${(e as Error).message}`);
    }
  }

  /** Until the last session is back: a file or model the user gives meanwhile waits for it (see `settled`). */
  private restoring?: Promise<boolean>;

  /**
   * Resolves once no restore is under way. A file loaded while the saved one was still being
   * read used to land between the saved data and its model: the model was never adopted, and the
   * state saved next (no model) replaced the session's for good.
   */
  async settled(what: string): Promise<void> {
    if (!this.restoring) return;
    this.host.bus.say('data', `Restoring your last session first; ${what} follows…`);
    await this.restoring.catch(() => false);
  }

  /** Restores the last session: re-reads the saved files, then features, settings, model and threshold. */
  restore(): Promise<boolean> {
    const run = this.restoreSaved();
    this.restoring = run;
    const done = () => {
      if (this.restoring === run) this.restoring = undefined;
    };
    run.then(done, done);
    return run;
  }

  private async restoreSaved(): Promise<boolean> {
    const h = this.host;
    // A file dropped before the engine started (a slow machine) is the user's choice: the last
    // session must not replace it, nor load it a second time once its load has saved it.
    const userFirst = () => !!h.data || h.busy !== '';
    if (userFirst()) return false;
    let saved;
    let state;
    try {
      saved = await sessionStore.loadFiles();
      state = await sessionStore.loadState();
    } catch {
      return false; // no IndexedDB (private mode): start empty
    }
    if (!saved?.files.length || userFirst()) return false;
    h.bus.say('data', 'Restoring your last session…');
    // The saved model's unit column reads its data, as when it was imported (sessions saved before the choice was kept).
    const recorded = state?.model?.keys?.unit;
    const unitColumn = saved.unitColumn ?? (recorded ? { name: recorded, required: false } : undefined);
    await h.loadFiles(
      saved.files.map((f) => new File([f.blob], f.name)),
      saved.entry,
      false,
      'load',
      unitColumn,
    );
    if (!h.data || !state) return !!h.data;
    h.settings = { ...h.settings, ...state.settings };
    const known = new Set(h.profile!.columns.map((c) => c.name));
    h.features = new Set(state.features.filter((f) => known.has(f)));
    if (state.selectedUnit !== undefined) h.selectedUnit = state.selectedUnit;
    h.bus.emit('data', 'unit');
    const restored = `Restored your last session (saved ${new Date(state.savedAt).toLocaleString()})`;
    if (state.model) {
      const lacks = absentInputs(state.model, h.data);
      if (lacks.length) {
        // As before the reload: the model stays, unable to score this data, for the next data that has its columns.
        try {
          await h.models.keepSaved(JSON.stringify(state.model));
        } catch (e) {
          h.bus.fail('data', `${restored}, but not its model ${state.model.id}: ${(e as Error).message}`);
          return true;
        }
        h.bus.say(
          'data',
          `${restored}. Model ${state.model.id} is kept but cannot score this data: it has no column ${lacks
            .slice(0, 3)
            .map((c) => `“${c}”`)
            .join(', ')}${lacks.length > 3 ? ` or ${lacks.length - 3} more` : ''}.`,
        );
        return true;
      }
      // The threshold's percentiles come from the data the model was trained on, which may not be this data.
      h.threshold.reference = state.reference;
      await h.models.importModel(JSON.stringify(state.model), 'the saved session', 'data', state.reference ? 'rescored' : 'imported');
      if (state.calibrated && h.model?.id === state.model.id) h.threshold.calibrated = state.calibrated;
      // The import said why the model could not be restored: that stays the news.
      if (h.model?.id !== state.model.id) return true;
    }
    h.bus.say('data', `${restored}.${unitKeyWords(h.model, h.data)}`);
    return true;
  }

  async clear(): Promise<void> {
    await this.persist(() => sessionStore.clear());
    // "Restored your last session" under the data no longer holds once that session is gone.
    if (/^Restored your last session/.test(this.host.bus.messages.get('data')?.text ?? '')) this.host.bus.messages.delete('data');
    this.host.bus.say('session', 'Cleared the saved session. What is on screen stays until you reload.');
  }
}
