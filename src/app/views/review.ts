// Step 4, Review: the threshold and the fleet's health on the left, the chosen unit
// and why its readings score as they do on the right, the score distribution and the
// evaluation below. Empty until a model has scored the loaded data.
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { download } from '../download.js';
import { scoresExport } from '../exports.js';
import { messageLine, stepHeading } from './message-line.js';
import { thresholdPanel } from './threshold-panel.js';
import { fleetBoard } from './fleet-board.js';
import { unitView } from './unit-view.js';
import { explainPanel } from './explain-panel.js';
import { distributionView } from './distribution-view.js';
import { evaluationPanel } from './evaluation-panel.js';

export function reviewSection(wb: Workbench): HTMLElement {
  const section = h('section', { class: 'step review empty', id: 'review', 'aria-labelledby': 'review-h' });
  const placeholder = h('p', { class: 'panel muted placeholder' });
  const exportScores = h(
    'button',
    {
      type: 'button',
      disabled: true,
      title:
        'The same CSV as isoscope score: row, unit, time, score (score_samples), decision, is_anomaly, alarm, anomaly_score (as shown here)',
      onclick: () => {
        const { name, text } = scoresExport(wb);
        download(name, text, 'text/csv');
      },
    },
    'Export scores',
  );
  // Registered before the panels are built, so they draw into a visible grid.
  const render = () => {
    section.classList.toggle('empty', !wb.scores);
    exportScores.disabled = !wb.scores;
    const whose = wb.data?.wholeSeries ? 'the series’' : 'each unit’s';
    placeholder.textContent = !wb.data
      ? 'Load data (step 1) and train a model (step 3) to see each unit’s health here.'
      : !wb.model
        ? `Train a model (step 3) to see ${whose} health here.`
        : `Model ${wb.model.id} cannot score ${wb.data.name}: train a new model on it (step 3), or load data with the model’s columns.`;
  };
  wb.on('data', render);
  wb.on('model', render);
  render();
  section.append(
    stepHeading('review', 4, 'Review', exportScores),
    messageLine(wb, 'review'),
    placeholder,
    h(
      'div',
      { class: 'review-grid' },
      h('div', { class: 'review-fleet' }, thresholdPanel(wb), fleetBoard(wb)),
      h('div', { class: 'review-unit' }, unitView(wb), explainPanel(wb)),
      h('div', { class: 'review-model' }, distributionView(wb), evaluationPanel(wb)),
    ),
  );
  return section;
}
