// Step 3, Train: which rows are healthy, the alarm rule, the forest and feature
// settings (folded, all visible on one click), Train, and the model itself: what it
// is, import and export.
import { h, plural } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { download } from '../download.js';
import { messageLine, stepHeading } from './message-line.js';
import { readTrainForm, trainForm } from './train-form.js';
import { FEWEST_HEALTHY, labelledInBaseline, tooEarlyWords } from '../../data/labelled-baseline.js';

export function trainPanel(wb: Workbench): HTMLElement {
  const form = trainForm(wb.settings);
  const button = h('button', { type: 'button', class: 'primary', disabled: true }, 'Train');
  const features = h('p', { class: 'muted small' });
  const info = h('p', { class: 'model-line' });
  // Said before Train, not after: the rows chosen hold readings the ground truth calls anomalous.
  const labelled = h('p', { class: 'note warn', hidden: true, 'data-testid': 'labelled-baseline' });
  // Typed rows are counted once the typing pauses: each count walks every row of the data.
  let typing: ReturnType<typeof setTimeout> | undefined;
  const readRows = (now: boolean) => {
    if (!readTrainForm(form, wb.settings)) wb.trainingRowsChanged();
    clearTimeout(typing);
    if (now) sayLabelled();
    else typing = setTimeout(sayLabelled, 150);
  };
  // A feature ticked in step 2 is a 'data' event too: the same data and rows are not counted again.
  let counted: { truth: object; baseline: string } | undefined;
  let focusTrain = false;
  const sayLabelled = () => {
    const truth = wb.data?.truth;
    if (truth && counted?.truth === truth && counted.baseline === wb.settings.baseline) return;
    counted = truth && { truth, baseline: wb.settings.baseline };
    let found;
    try {
      found = wb.data
        ? labelledInBaseline(wb.data.truth, wb.threshold.maskOf(wb.settings.baseline), wb.data.wholeSeries === true)
        : undefined;
    } catch {
      found = undefined; // training rows that cannot be read: Train says why
    }
    labelled.hidden = !found;
    if (!found) return labelled.replaceChildren();
    // Rows chosen, not trained on: training leaves out a window's first readings and rows missing an input.
    const said = `${found.rows.toLocaleString('en-US')} of the ${found.of.toLocaleString('en-US')} rows chosen for training ${found.rows === 1 ? 'is' : 'are'} labelled anomalous in “${found.column}”: the model would learn ${found.rows === 1 ? 'it' : 'them'} as normal.`;
    const { before, unit } = found;
    if (before < FEWEST_HEALTHY) return labelled.replaceChildren(`${said} ${tooEarlyWords(found, (u) => wb.units.name(u))}`);
    const end = h(
      'button',
      { type: 'button' },
      unit === undefined
        ? `Train on the first ${before.toLocaleString('en-US')} readings, before the first labelled anomaly`
        : `Train on each unit’s first ${before.toLocaleString('en-US')} readings, before every unit’s first labelled anomaly (unit ${wb.units.name(unit)}’s comes first)`,
    );
    end.addEventListener('click', () => {
      form.inputs.mode.value = 'first';
      form.inputs.amount.disabled = false;
      form.inputs.amount.value = String(before);
      readRows(true);
      // The note and its button are gone: the next step is Train. Still disabled while the load
      // that said "Loaded" saves its files, it takes the focus once enabled.
      if (button.disabled) focusTrain = true;
      else button.focus();
    });
    labelled.replaceChildren(`${said} `, end);
  };
  const modelInput = h('input', { type: 'file', id: 'model-input', hidden: true, tabindex: -1, accept: '.json,application/json' });
  modelInput.addEventListener('change', () => {
    const f = modelInput.files?.[0];
    modelInput.value = '';
    if (f) void f.text().then((text) => wb.importModel(text, f.name));
  });
  const exportModel = h(
    'button',
    { type: 'button', disabled: true, onclick: () => download(`${wb.model!.id}.json`, wb.modelJson(), 'application/json') },
    'Export model',
  );
  // The window of untouched single-stream settings follows the training rows as they are chosen, not at Train.
  for (const [el, event] of [
    [form.inputs.mode, 'change'],
    [form.inputs.amount, 'input'],
  ] as const)
    el.addEventListener(event, () => readRows(event === 'change'));
  button.addEventListener('click', () => {
    const problem = readTrainForm(form, wb.settings);
    if (problem) return wb.fail('train', problem);
    // Next step: the review, in view once the model has scored the data.
    // Disabled while training, the button lost the keyboard focus: it goes to the review's heading, with the view.
    void wb.train().then(() => {
      if (!wb.scores) return button.focus();
      document.getElementById('review')?.scrollIntoView({ block: 'start' });
      document.getElementById('review-h')?.focus({ preventScroll: true });
    });
  });

  const render = () => {
    button.disabled = !wb.data || wb.busy !== '';
    button.textContent = wb.busy === 'training' ? 'Training…' : 'Train';
    button.setAttribute('aria-busy', String(wb.busy === 'training'));
    if (focusTrain && !button.disabled) {
      focusTrain = false;
      // Not taken from a field the user has moved to meanwhile.
      if (!document.activeElement || document.activeElement === document.body) button.focus();
    }
    exportModel.disabled = !wb.model;
    features.textContent = wb.data
      ? `The next training uses the ${plural(wb.features.size, 'feature column')} chosen in step 2.`
      : 'Load data first (step 1).';
    const m = wb.model;
    if (!m) {
      const waiting = wb.models.waiting;
      info.textContent = waiting ? `Model ${waiting.id} from ${waiting.fileName} is waiting for data.` : 'No model yet.';
      return;
    }
    const splits = m.forest.kind === 'extended-isolation-forest' ? ` · hyperplanes (level ${m.forest.extensionLevel})` : '';
    const took = wb.lastTrainMs !== undefined ? ` in ${wb.lastTrainMs.toFixed(0)} ms` : '';
    info.replaceChildren(
      'Model ',
      h('strong', {}, m.id),
      ` · ${plural(m.forest.trees.length, 'tree')} · ${plural(m.features.length, 'feature')}${splits} · trained on ${m.training.source} (${plural(m.training.rows, 'row')})${took}` +
        (wb.data && !wb.scores ? ' · cannot score the loaded data' : ''),
    );
  };
  wb.on('status', render);
  wb.on('data', () => {
    form.show(wb.settings);
    form.speakFor(wb.data?.wholeSeries === true, wb.time.axis === 'cycle' ? 'cycles' : 'readings');
    sayLabelled();
    render();
  });
  wb.on('model', render);
  render();
  return h(
    'section',
    { class: 'step panel', id: 'train', 'aria-labelledby': 'train-h' },
    stepHeading('train', 3, 'Train'),
    h('div', { class: 'train-row' }, form.rows, form.alarm, button),
    labelled,
    features,
    form.advanced,
    messageLine(wb, 'train'),
    h(
      'div',
      { class: 'model-row' },
      info,
      // Kept together: on a narrow window the pair wraps under the model line, not one by one.
      h(
        'span',
        { class: 'model-actions' },
        h('button', { type: 'button', onclick: () => modelInput.click() }, 'Import model…'),
        exportModel,
      ),
      modelInput,
    ),
  );
}
