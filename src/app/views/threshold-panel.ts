// The Contamination slider: re-thresholds cached scores (no retraining) once per
// animation frame, shows the setting as an alarm budget, and says in words what the
// threshold expects of healthy readings (out of sample when the model is calibrated) and
// how that relates to the share of readings flagged on this data.
import { capital, fmt, h, pct, plural } from '../dom.js';
import { SortedValues } from '../../alarms/level-index.js';
import type { Workbench } from '../workbench.js';
import { DefinitionList, type Definition } from './definition-list.js';
import { HELD_OUT_SHARE, MIN_UNITS_FOR_RATE, type Calibration, type RegimeRate } from '../../model/calibrate.js';
import { raisedWords } from '../../model/calibration-words.js';
import { regimeLabel, type RegimeModel } from '../../features/regimes.js';

/** The slider's range, in percent of the training readings. */
const MIN_PCT = 0.1;
const MAX_PCT = 50;

export function thresholdPanel(wb: Workbench): HTMLElement {
  const slider = h('input', {
    type: 'range',
    min: 1,
    max: 500,
    step: 1,
    value: 50,
    id: 'contamination',
    'aria-describedby': 'contamination-note',
  });
  const auto = h('input', { type: 'checkbox', id: 'contamination-auto', checked: true });
  // The slider's 500 steps put a fleet's useful 0.1–5% in its first sliver: a number lands on an exact value.
  // Text, not type=number: a number box drops a decimal comma as it is typed ("0,5" became 05, ten
  // times what was meant); here a comma is read as a point, anything else is refused, saying so.
  const entry = h('input', {
    type: 'text',
    inputmode: 'decimal',
    role: 'spinbutton',
    'aria-valuemin': MIN_PCT,
    'aria-valuemax': MAX_PCT,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'pct-entry',
    'aria-label': 'Contamination in percent',
    'aria-describedby': 'contamination-entry-error',
  });
  const entryError = h('span', {
    class: 'error small',
    id: 'contamination-entry-error',
    role: 'status',
    'data-testid': 'contamination-entry-error',
  });
  const value = h('output', { for: 'contamination' }, 'auto');
  const budget = new DefinitionList(h('dl', { class: 'budget' }));
  const note = h('p', { class: 'note', id: 'contamination-note' });
  let pending: number | 'auto' | undefined;

  const schedule = (c: number | 'auto') => {
    if (pending === undefined)
      requestAnimationFrame(() => {
        const next = pending!;
        pending = undefined;
        wb.threshold.set(next);
      });
    pending = c;
  };
  slider.addEventListener('input', () => {
    auto.checked = false;
    schedule(Number(slider.value) / 1000);
  });
  auto.addEventListener('change', () => schedule(auto.checked ? 'auto' : Number(slider.value) / 1000));
  entry.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    // A spin button's arrows: a tenth of a percent, from what is typed (or the threshold's own).
    e.preventDefault();
    const c = wb.contamination;
    const now = percentOf(entry.value) ?? (c === 'auto' ? Number(slider.value) / 10 : c * 100);
    const next = Math.min(MAX_PCT, Math.max(MIN_PCT, Math.round((now + (e.key === 'ArrowUp' ? 0.1 : -0.1)) * 10) / 10));
    entry.value = String(next);
    entry.dispatchEvent(new Event('change'));
  });
  entry.addEventListener('change', () => {
    const v = percentOf(entry.value) ?? NaN;
    if (!(v >= MIN_PCT && v <= MAX_PCT)) {
      entryError.textContent = `Contamination must be a percentage from ${MIN_PCT} to ${MAX_PCT}; the threshold is unchanged.`;
      return;
    }
    entryError.textContent = '';
    auto.checked = false;
    slider.value = String(Math.round(v * 10));
    schedule(Math.round(v * 1e4) / 1e6); // as typed (to 0.0001%): the slider's 0.1% steps are its own limit
  });

  const render = () => {
    const c = wb.contamination;
    auto.checked = c === 'auto';
    if (c !== 'auto') slider.value = String(Math.round(c * 1000));
    // Typing is not overwritten: the entry follows the threshold only while it has no focus.
    if (document.activeElement !== entry) {
      entry.value = c === 'auto' ? '' : String(+(c * 100).toPrecision(6));
      entryError.textContent = '';
    }
    if (c === 'auto') entry.removeAttribute('aria-valuenow');
    else entry.setAttribute('aria-valuenow', String(+(c * 100).toPrecision(6)));
    const label = c === 'auto' ? 'auto (offset −0.5)' : pct(c);
    value.textContent = label;
    slider.setAttribute('aria-valuetext', label);
    const t = wb.threshold.thresholded;
    if (!t || !wb.model || !wb.data) {
      budget.clear();
      note.textContent = 'Train a model to see its alarm budget.';
      return;
    }
    const items: Definition[] = [];
    const item = (term: string, value: string, id: string, title: string) => items.push({ term, value, id, title });
    item('Flagged readings', `${fmt(t.flagged)} (${pct(t.share)})`, 'flagged', 'readings whose score is over the threshold');
    // The contamination is a percentile of these; calibrated out of sample, the threshold flags fewer of them than it says.
    const reference = wb.threshold.budget?.sortedTraining;
    if (c !== 'auto' && reference?.length)
      item(
        'Baseline readings over it',
        pct(SortedValues.from(reference).below(t.offset) / reference.length),
        'baseline-flagged',
        'the share of the baseline readings the contamination is a percentile of that score over the threshold: the model’s training readings, scored in sample, on the data it was trained on or scored after it; otherwise this data’s readings in the model’s baseline. Calibrated out of sample, the threshold usually flags fewer of them than the contamination',
      );
    if (t.units.units.length) {
      const [alarm, watch] = t.units.counts;
      item(
        'Units in alarm now',
        `${fmt(alarm)} of ${fmt(t.units.units.length)}`,
        'units-alarmed',
        'the alarm rule holds at the unit’s latest reading',
      );
      item('Units on watch', fmt(watch), 'units-watch', 'some of the last readings are over the threshold, not enough to alarm');
      item('Alarms raised per unit', fmt(t.alarmsPerUnit, 1), 'alarms-per-unit', 'alarms raised over the whole data, on average');
    }
    item(
      'Threshold (anomaly score)',
      fmt(-t.offset, 4),
      'offset',
      'a reading is flagged when its anomaly score (−score_samples) is above this',
    );
    budget.show(items);
    note.textContent = relation(wb, c, t.share);
  };
  wb.on('threshold', render);
  wb.on('data', render);
  wb.on('check', render);
  render();
  return h(
    'section',
    { class: 'panel threshold', 'aria-labelledby': 'threshold-h' },
    h('h3', { id: 'threshold-h' }, 'Threshold'),
    h('div', { class: 'slider-row' }, h('label', { for: 'contamination' }, 'Contamination'), value),
    slider,
    h(
      'div',
      { class: 'entry-row' },
      h('label', { class: 'check' }, auto, ' Auto (scikit-learn’s −0.5 offset)'),
      h('label', { class: 'pct' }, 'or type ', entry, ' %'),
    ),
    entryError,
    note,
    budget.el,
  );
}

/** The share of units that raised a false alarm, with its interval: units are what a fleet has few of. */
function unitsWithOne(cal: Calibration): string {
  const u = cal.unitsWithFalseAlarm;
  return `units with a false alarm ${pct(u.estimate)} (95% interval ${pct(u.low)}–${pct(u.high)})`;
}

/**
 * The intervals count every held-out reading as independent; neighbouring readings of one unit move
 * together, so with few units (or one series) the uncertainty is wider than the readings' interval says.
 */
function fewUnits(cal: Calibration): string {
  if (cal.units >= MIN_UNITS_FOR_RATE) return '';
  return cal.units === 1
    ? ' Neighbouring readings move together, so the true uncertainty is wider than this interval.'
    : ` With ${cal.units} units these are rough: readings of one unit move together, so the units’ interval is the surer guide.`;
}

/**
 * What the threshold means. A model's own threshold is calibrated out of sample: the share of
 * healthy readings its forest never saw that score above it, and what that costs on new units.
 * One the slider set is a quantile of the training readings' own scores, in sample. Both say
 * the share flagged on this data, and why it differs.
 */
function relation(wb: Workbench, c: 'auto' | number, share: number): string {
  const m = wb.model!;
  const here = `On ${wb.data!.name}, ${pct(share)} of the readings are over it.`;
  const differs =
    // Data unlike the training data (mismatch) scores high for that, not for wear: outside() says so instead.
    c !== 'auto' && share > 2 * c && wb.dataCheck?.verdict !== 'mismatch'
      ? ` Readings unlike the healthy ones, such as degraded ${wb.time.axis === 'cycle' ? 'cycles' : 'stretches'}, score higher: that is why more are flagged.`
      : '';
  const cal = m.threshold.calibration;
  if (cal) {
    const r = cal.readingsInAlarm;
    const seen = `${fmt(cal.readings)} healthy readings of ${plural(cal.units, 'unit')}, each scored by a forest that did not train on it (${cal.method === 'time-split' ? `the later ${Math.round(HELD_OUT_SHARE * 100)}% of its healthy baseline, held out` : `${cal.folds}-fold cross-fit`})`;
    const at = c === 'auto' ? 'The threshold' : `Contamination ${pct(c)}: the threshold`;
    // One series has no "new units": its expectation is for its own later healthy readings.
    const one = cal.units === 1;
    const alarms = `false ${cal.falseAlarmsPerUnit === 1 ? 'alarm' : 'alarms'}`;
    return (
      `${at} is calibrated out of sample on ${seen}: at most ${c === 'auto' ? 'the contamination' : pct(c)} of them score above it. ` +
      `Expected on ${one ? 'new healthy readings' : 'healthy readings of new units'}: ${pct(r.estimate)} in alarm (95% interval ${pct(r.low)}–${pct(r.high)}), ` +
      `${fmt(cal.falseAlarmsPerUnit, 3)} ${alarms} ${one ? 'over those held-out readings' : `per unit, ${unitsWithOne(cal)}`}.${fewUnits(cal)}` +
      `${cal.raised ? ` ${capital(raisedWords(cal.raised, c, 'the slider keeps that margin at its other positions, so the threshold moves smoothly through this one'))}.` : ''}${regimeSpread(cal.regimes, m.recipe?.regimes)} ${here}${differs}${outside(wb)}`
    );
  }
  if (c === 'auto') return `Auto uses scikit-learn’s fixed threshold, not a share of readings. ${here}`;
  // The model's training data, not the data loaded now: a fleet's model may score one series.
  const rows = baselineWords(m.training.baseline, m.keys ? m.keys.unit === null : wb.data!.wholeSeries === true);
  const own = wb.threshold.calibrated;
  const gap = wb.threshold.calibrationGap(c);
  const opening = `Contamination ${pct(c)} puts the threshold where ${pct(c)} of the model’s training readings (${rows} of ${m.training.source}) score above it, `;
  const base =
    own && own.contamination !== 'auto' && gap !== 0
      ? `${opening}then ${gap > 0 ? 'lowered' : 'raised'} by ${fmt(Math.abs(gap), 3)} in anomaly score, as the out-of-sample calibration moved it at ${pct(own.contamination)}: so the slider passes smoothly through the calibrated threshold. (The training readings’ own scores are in sample: alone they would put it where more new readings are flagged.)`
      : `${opening}in sample: the forest trained on them, so ${wb.data!.wholeSeries ? 'new healthy readings' : 'healthy readings of new units'} score higher and more than that share of them is flagged.`;
  const back =
    own && own.contamination !== 'auto'
      ? ` The model’s threshold calibrated out of sample returns when the slider is back at ${pct(own.contamination)}.`
      : '';
  return `${base} ${here}${differs}${outside(wb)}${back}`;
}

/**
 * Every expectation above is for readings like the healthy training ones: data the check finds
 * outside that envelope (a drifting process, another machine) is flagged more, and the note says so.
 */
function outside(wb: Workbench): string {
  const verdict = wb.dataCheck?.verdict;
  if (!verdict || verdict === 'ok') return '';
  return verdict === 'mismatch'
    ? ' The data check finds this data unlike the training data (mismatch), so no false-alarm rate expected of healthy readings holds here: the share flagged says how unlike it is, not how worn the units are.'
    : ' The data check finds part of this data outside the training range (drift): there more readings are flagged than healthy ones like the training readings would be.';
}

/** One threshold serves every operating regime: how evenly it holds across them. */
function regimeSpread(rates: RegimeRate[] | undefined, regimes: RegimeModel | undefined): string {
  const seen = rates?.filter((g) => g.readings > 0);
  if (!seen?.length || !regimes) return '';
  const worst = seen.reduce((a, b) => (b.flagged.estimate > a.flagged.estimate ? b : a));
  const least = Math.min(...seen.map((g) => g.flagged.estimate));
  return ` By operating regime, ${pct(least)}–${pct(worst.flagged.estimate)} of those readings are over it (most in regime ${worst.regime + 1}: ${regimeLabel(regimes, worst.regime)}; 95% interval up to ${pct(worst.flagged.high)}).`;
}

function baselineWords(spec: string, oneSeries: boolean): string {
  const m = /^first:(\d+(?:\.\d+)?)(%?)$/.exec(spec);
  if (!m) return spec === 'all' ? 'all rows' : spec;
  const whose = oneSeries ? 'the series’' : 'each unit’s';
  return m[2] ? `${whose} first ${m[1]}%` : `${whose} first ${plural(Number(m[1]), 'reading')}`;
}

/** A typed percentage: "0.5", "0,5" or "0.5 %"; undefined for anything else ("5e-1", "1,000.5", "½"). */
export function percentOf(text: string): number | undefined {
  const m = /^\s*(\d+(?:[.,]\d*)?|[.,]\d+)\s*%?\s*$/.exec(text);
  return m ? Number(m[1].replace(',', '.')) : undefined;
}
