// Top bar: load data (sample, picker), import/export, status and load progress.
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { download } from '../download.js';
import { scoresExport } from '../exports.js';
import sampleUrl from '../samples/CMAPSS_FD001.zip?url';

export function topBar(wb: Workbench): HTMLElement {
  const fileInput = h('input', {
    type: 'file',
    multiple: true,
    id: 'file-input',
    class: 'visually-hidden',
    accept: '.txt,.csv,.tsv,.gz,.zip',
    'aria-label': 'Open data files',
  });
  fileInput.addEventListener('change', () => {
    if (fileInput.files?.length) void wb.loadFiles([...fileInput.files]);
    fileInput.value = '';
  });
  const modelInput = h('input', {
    type: 'file',
    id: 'model-input',
    class: 'visually-hidden',
    accept: '.json,application/json',
    'aria-label': 'Model file',
  });
  modelInput.addEventListener('change', () => void importPicked());
  const importPicked = async () => {
    const f = modelInput.files?.[0];
    modelInput.value = '';
    if (f) await wb.importModel(await f.text(), f.name);
  };
  const loadSample = async () => {
    try {
      const res = await fetch(sampleUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const file = new File([await res.blob()], 'CMAPSS_FD001.zip', { type: 'application/zip' });
      await wb.loadFiles([file], 'train_FD001.txt');
    } catch (e) {
      wb.fail(`Could not fetch the bundled sample: ${(e as Error).message}`);
    }
  };
  const exportModel = h(
    'button',
    { type: 'button', disabled: true, onclick: () => download(`${wb.model!.id}.json`, wb.modelJson(), 'application/json') },
    'Export model',
  );
  const importModel = h('button', { type: 'button', onclick: () => modelInput.click() }, 'Import model');
  const exportScores = h(
    'button',
    {
      type: 'button',
      disabled: true,
      onclick: () => {
        const { name, text } = scoresExport(wb);
        download(name, text, 'text/csv');
      },
    },
    'Export scores',
  );
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Loading progress' });
  const cancel = h('button', { type: 'button', onclick: () => wb.ingest.cancel() }, 'Cancel');
  const progress = h('div', { class: 'progress', hidden: true }, bar, cancel);

  const render = () => {
    status.textContent = wb.status;
    error.textContent = wb.error;
    error.hidden = !wb.error;
    exportModel.disabled = !wb.model;
    exportScores.disabled = !wb.scores;
  };
  wb.on('status', render);
  wb.on('model', render);
  wb.on('progress', () => {
    progress.hidden = wb.busy !== 'loading';
    if (wb.progress) bar.value = wb.progress.bytesTotal ? wb.progress.bytesRead / wb.progress.bytesTotal : 0;
  });
  render();
  return h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'isoscope'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => void loadSample() }, 'Load sample'),
      h('button', { type: 'button', onclick: () => fileInput.click() }, 'Open files…'),
      importModel,
      exportModel,
      exportScores,
      h('button', { type: 'button', onclick: () => void wb.session.clear() }, 'Clear saved session'),
      fileInput,
      modelInput,
    ),
    h('div', { class: 'messages' }, status, error, progress),
  );
}
