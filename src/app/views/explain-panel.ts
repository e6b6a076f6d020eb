// Why a reading scored as it did: per-feature attribution from the engine (the path
// shortening each sensor's splits earned), with the reading high or low against the
// training mean.
import { fmt, h } from '../dom.js';
import type { Workbench } from '../workbench.js';

export function explainPanel(wb: Workbench): HTMLElement {
  const body = h('div', { class: 'explain-body' });
  const render = () => {
    body.replaceChildren();
    const ex = wb.explanation;
    const row = wb.selectedRow;
    if (!ex || row === undefined || !wb.scores) {
      body.append(h('p', { class: 'muted' }, 'Click a reading on the unit charts to explain it.'));
      return;
    }
    const score = wb.scores[row];
    const flagged = wb.threshold.thresholded?.flags[row] === 1;
    const unit = wb.data?.truth.columns.find((c) => c.role === 'unit')?.values[row];
    const time = wb.data?.truth.columns.find((c) => c.role === 'time')?.values[row];
    const total = ex.attribution.reduce((a, b) => a + b, 0);
    body.append(
      h(
        'p',
        { 'data-testid': 'explain-summary' },
        `Row ${row}${unit !== undefined ? ` · unit ${unit}` : ''}${time !== undefined ? ` · t ${time}` : ''} · anomaly score ${fmt(-score, 4)} · `,
        h('strong', { class: flagged ? 'bad' : 'good' }, flagged ? 'flagged' : 'normal'),
        ` · isolated in ${fmt(ex.meanPathLength, 2)} splits vs ${fmt(ex.averagePathLength, 2)} on average`,
      ),
    );
    const order = ex.features.map((_, i) => i).sort((a, b) => ex.attribution[b] - ex.attribution[a]);
    const max = Math.max(1e-12, ...ex.attribution.map(Math.abs));
    const list = h('ol', { class: 'attribution', 'aria-label': 'Feature attribution' });
    for (const i of order) {
      const a = ex.attribution[i];
      const z = ex.zscores[i];
      list.append(
        h(
          'li',
          {},
          h('span', { class: 'name' }, ex.features[i]),
          h(
            'span',
            { class: 'track' },
            h('span', { class: a >= 0 ? 'fill pos' : 'fill neg', style: `width:${(100 * Math.abs(a)) / max}%` }),
          ),
          h('span', { class: 'num' }, `${a >= 0 ? '+' : ''}${fmt(a, 3)}`),
          h('span', { class: z >= 0 ? 'dir high' : 'dir low' }, `${z >= 0 ? 'HIGH' : 'LOW'} ${z >= 0 ? '+' : ''}${fmt(z, 1)}σ`),
        ),
      );
    }
    body.append(
      list,
      h(
        'p',
        { class: 'muted small' },
        `Attribution shares each tree's path shortening c(ψ) − h(x) among the features split on; it sums to ${fmt(total, 3)} = ${fmt(ex.averagePathLength, 3)} − ${fmt(ex.meanPathLength, 3)}. Positive pushed towards anomalous.`,
      ),
    );
  };
  wb.on('explain', render);
  wb.on('model', render);
  wb.on('threshold', render);
  render();
  return h('section', { class: 'panel', 'aria-labelledby': 'explain-h' }, h('h2', { id: 'explain-h' }, 'Explanation'), body);
}
