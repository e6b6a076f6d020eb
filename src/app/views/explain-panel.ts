// Why a reading scored as it did: per-feature attribution from the engine (the path
// each feature's splits saved, explain.ts), each feature in words and its sensor by
// name, high or low against the training mean. The unit charts mark the reading and
// plot its top sensors.
import { fmt, h } from '../dom.js';
import { isFlagged } from '../../alarms/threshold.js';
import type { Workbench } from '../workbench.js';
import { describeFeature, inputOf } from '../../features/feature-words.js';
import { FAR_SIGMA, topInputs } from '../../model/unit-drivers.js';

export function explainPanel(wb: Workbench): HTMLElement {
  const body = h('div', { class: 'explain-body' });
  const render = () => {
    body.replaceChildren();
    const ex = wb.explanation;
    const row = wb.selectedRow;
    if (!ex || row === undefined || !wb.scores || !wb.model) {
      body.append(
        h(
          'p',
          { class: 'muted' },
          'Choose a reading on the unit’s charts (click, or arrow keys and Enter on the score chart) to see why it scored as it did.',
        ),
      );
      return;
    }
    const score = -wb.scores[row];
    const t = wb.threshold.thresholded;
    const flagged = t !== undefined && isFlagged(wb.scores[row], t.offset) === 1;
    const unit = wb.data?.truth.columns.find((c) => c.role === 'unit')?.values[row];
    const time = wb.data?.truth.columns.find((c) => c.role === 'time')?.values[row];
    const inputs = wb.model.recipe?.inputs;
    body.append(
      h(
        'p',
        { 'data-testid': 'explain-summary' },
        `Row ${row}${unit !== undefined ? ` · unit ${wb.units.name(unit)}` : ''}${time !== undefined ? ` · ${wb.time.at(time)}` : ''} · anomaly score ${fmt(score, 3)} · `,
        h('strong', { class: flagged ? 'bad' : 'good' }, flagged ? 'over the threshold' : 'under the threshold'),
        t ? ` (${fmt(-t.offset, 3)})` : '',
      ),
      h('p', { class: 'muted small' }, isolationWords(ex.meanPathLength, ex.averagePathLength, wb.model.metrics.trainingScoreMean)),
    );
    const top = topInputs(ex.features, ex.attribution, inputs, 3);
    if (top.length)
      body.append(
        h(
          'p',
          { class: 'drivers' },
          'Driven most by ',
          ...top.flatMap((d, i) => [
            i ? (i === top.length - 1 ? ' and ' : ', ') : '',
            h('strong', {}, wb.names(d.input).label),
            ` (+${fmt(d.attribution, 3)})`,
          ]),
          // Summed, a sensor whose several features each saved a little can lead one whose single bar is the longest.
          top.some((d) => ex.features.filter((f) => inputOf(f, inputs) === d.input).length > 1)
            ? ': each sensor’s bars below summed.'
            : '.',
        ),
      );
    const far = flagged ? undefined : farWords(ex.features, ex.zscores, (f) => describeFeature(f, wb.names, inputs).label);
    if (far) body.append(h('p', { class: 'warn', 'data-testid': 'explain-far' }, far));
    const order = ex.features.map((_, i) => i).sort((a, b) => ex.attribution[b] - ex.attribution[a]);
    const max = Math.max(1e-12, ...ex.attribution.map(Math.abs));
    // Focusable: it scrolls, and the keyboard must reach what is below the fold.
    const list = h('ol', { class: 'attribution', 'aria-label': 'Feature attribution', tabindex: 0 });
    for (const i of order) {
      const a = ex.attribution[i];
      const z = ex.zscores[i];
      const words = describeFeature(ex.features[i], wb.names, inputs);
      list.append(
        h(
          'li',
          { title: ex.features[i] },
          h('span', { class: 'name' }, h('strong', {}, words.label), words.steps ? `: ${words.steps}` : ''),
          h(
            'span',
            { class: 'track', 'aria-hidden': 'true' },
            h('span', { class: a >= 0 ? 'fill pos' : 'fill neg', style: `width:${(100 * Math.abs(a)) / max}%` }),
          ),
          h('span', { class: 'num' }, `${a >= 0 ? '+' : ''}${fmt(a, 3)}`),
          // Within 0.05σ it is neither high nor low: "low -0.0σ" read as a fault.
          Math.abs(z) < 0.05
            ? h('span', { class: 'dir' }, 'at the mean')
            : h('span', { class: z >= 0 ? 'dir high' : 'dir low' }, `${z >= 0 ? 'high' : 'low'} ${z >= 0 ? '+' : ''}${fmt(z, 1)}σ`),
        ),
      );
    }
    body.append(
      list,
      h(
        'p',
        { class: 'muted small' },
        `Each number is how many splits this feature’s splits saved the reading’s path, against a typical point’s (positive: towards anomalous; negative: it kept the reading with the others). σ: the reading against the training mean, in training standard deviations.`,
      ),
    );
  };
  wb.on('explain', render);
  wb.on('model', render);
  wb.on('threshold', render);
  render();
  return h('section', { class: 'panel explain', 'aria-labelledby': 'explain-h' }, h('h3', { id: 'explain-h' }, 'Why this reading'), body);
}

/**
 * A value far past anything trained on isolates no faster than the training range's edge, so a
 * sensor gone wrong (or in other units) can score under the threshold: said in words, not left
 * to the σ column. Undefined when every feature is within FAR_SIGMA of its training mean.
 */
export function farWords(features: string[], zscores: ArrayLike<number>, label: (feature: string) => string): string | undefined {
  const far = features.map((_, i) => i).filter((i) => Math.abs(zscores[i]) > FAR_SIGMA);
  if (!far.length) return undefined;
  const worst = far.reduce((a, b) => (Math.abs(zscores[b]) > Math.abs(zscores[a]) ? b : a));
  const z = zscores[worst];
  return (
    `${label(features[worst])} is ${z > 0 ? '+' : ''}${fmt(z, 1)}σ from the training readings${far.length > 1 ? ` (${far.length} features beyond ${FAR_SIGMA}σ)` : ''}, far past anything the forest trained on. ` +
    'An Isolation Forest scores a value beyond its training range like the edge of that range, so this score understates how unusual the reading is: check the sensor (a fault, another unit of measure?). The data check names an input only when a tenth of the readings or more leave its range.'
  );
}

/**
 * The reading's splits against a typical training reading's. c(ψ) (averagePathLength) is
 * the depth that scores exactly 0.5, which is over most thresholds: calling it typical told
 * people an ordinary reading would be flagged. A score s is 2^(-depth/c), so the training
 * readings' mean score gives their typical depth.
 */
export function isolationWords(depth: number, c: number, trainingScoreMean: number | undefined): string {
  // The engine's range rule: a feature past its training span by more than three spans is isolated at once.
  if (depth === 0)
    return 'Past the range the model was trained on, by more than three times that range, in the features marked: isolated at once, the highest score a reading can get.';
  const typical = trainingScoreMean !== undefined && trainingScoreMean < 0 ? -c * Math.log2(-trainingScoreMean) : NaN;
  return Number.isFinite(typical)
    ? `Isolated in ${fmt(depth, 2)} splits on average, against about ${fmt(typical, 2)} for a typical training reading: the fewer, the more unusual.`
    : `Isolated in ${fmt(depth, 2)} splits on average: the fewer, the more unusual (${fmt(c, 2)} splits score 0.5).`;
}
