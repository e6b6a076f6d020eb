// Step 1, Data: the bundled C-MAPSS sample (training or test set), your own files
// (picked or dropped), or a file to score with the model already trained. Progress,
// Cancel, and a question before mostly empty data replaces what is loaded.
import { h, plural } from '../dom.js';
import type { Workbench } from '../workbench.js';
import type { LoadIntent } from '../ingest-controller.js';
import { messageLine, stepHeading } from './message-line.js';
import { unitColumnPicker } from './unit-column-picker.js';
import sampleUrl from '../samples/CMAPSS_FD001.zip?url';

/** What the bundled zip holds (NASA's CMAPSSData: train, test, RUL, readme for FD001). */
const SAMPLES: [entry: string, label: string][] = [
  ['train_FD001.txt', 'FD001 training set: 100 engines run to failure'],
  ['test_FD001.txt', 'FD001 test set with its RUL: 100 engines cut off before failure'],
];

export function dataPanel(wb: Workbench): HTMLElement {
  let intent: LoadIntent = 'load';
  const fileInput = h('input', {
    type: 'file',
    multiple: true,
    id: 'file-input',
    hidden: true,
    tabindex: -1,
    accept: '.txt,.csv,.tsv,.gz,.zip',
  });
  fileInput.addEventListener('change', () => {
    if (fileInput.files?.length) void wb.loadFiles([...fileInput.files], undefined, true, intent);
    fileInput.value = '';
  });
  const pick = (how: LoadIntent) => {
    intent = how;
    fileInput.click();
  };
  const sample = h('select', { 'aria-label': 'Sample data' }, ...SAMPLES.map(([entry, label]) => h('option', { value: entry }, label)));
  const loadSample = async () => {
    try {
      const res = await fetch(sampleUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const file = new File([await res.blob()], 'CMAPSS_FD001.zip', { type: 'application/zip' });
      await wb.loadFiles([file], sample.value);
    } catch (e) {
      wb.fail('data', `Could not fetch the bundled sample: ${(e as Error).message}`);
    }
  };
  const scoreButton = h('button', { type: 'button', disabled: true, onclick: () => pick('score') }, 'Score a file with the current model…');
  const summary = h('p', { class: 'data-summary' });
  const unitColumn = unitColumnPicker(wb);
  const notes = h('ul', { class: 'notes' });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Loading progress' });
  const progress = h(
    'div',
    { class: 'progress', hidden: true },
    bar,
    h('button', { type: 'button', onclick: () => wb.ingest.cancel() }, 'Cancel'),
  );
  const question = h('div', { class: 'question', role: 'group', 'aria-label': 'Replace the loaded data?', hidden: true });

  const render = () => {
    unitColumn.render();
    const d = wb.data;
    scoreButton.disabled = !wb.model || wb.busy !== '';
    scoreButton.title = wb.model
      ? `Load a file and score it with model ${wb.model.id}, keeping the model`
      : 'Train or import a model first';
    notes.replaceChildren(...(d?.notes ?? []).map((n) => h('li', {}, n)));
    if (!d || !wb.profile) {
      summary.textContent = 'No data loaded yet.';
      return;
    }
    const truth = d.columns.some((c) => c.role === 'rul')
      ? 'remaining useful life'
      : d.columns.some((c) => c.role === 'label')
        ? '0/1 label'
        : 'none';
    summary.replaceChildren(
      h('strong', {}, d.name),
      ` · ${plural(d.rows, 'row')} · ${d.wholeSeries ? 'one series (no unit column)' : plural(wb.profile.units, 'unit')} · ${plural(d.columns.length, 'column')} · ground truth: ${truth}`,
    );
  };
  const renderProgress = () => {
    progress.hidden = wb.busy !== 'loading' || !!wb.ingest.pending;
    if (wb.progress) bar.value = wb.progress.bytesTotal ? wb.progress.bytesRead / wb.progress.bytesTotal : 0;
    const p = wb.ingest.pending;
    question.hidden = !p;
    question.replaceChildren();
    if (p)
      question.append(
        h('button', { type: 'button', onclick: () => void p.accept() }, `Replace with ${p.name}`),
        h('button', { type: 'button', class: 'primary', onclick: () => p.reject() }, `Keep ${wb.dataName}`),
      );
  };
  wb.on('data', render);
  wb.on('model', render);
  wb.on('status', render);
  wb.on('progress', renderProgress);
  render();
  return h(
    'section',
    { class: 'step panel', id: 'data', 'aria-labelledby': 'data-h' },
    stepHeading('data', 1, 'Data'),
    h(
      'div',
      { class: 'actions' },
      sample,
      h('button', { type: 'button', class: 'primary', onclick: () => void loadSample() }, 'Load sample'),
      h('span', { class: 'muted' }, 'or'),
      h('button', { type: 'button', onclick: () => pick('load') }, 'Open files…'),
      scoreButton,
      fileInput,
    ),
    h(
      'p',
      { class: 'muted small' },
      'C-MAPSS text, CSV (, ; tab |), .gz or a NASA-style .zip; drop files anywhere on the page. Add RUL_FDxxx.txt to a test file for ground truth. Nothing leaves this tab.',
    ),
    summary,
    unitColumn.element,
    notes,
    progress,
    messageLine(wb, 'data'),
    question,
  );
}
