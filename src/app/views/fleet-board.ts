// The fleet health board: every unit's state at its latest reading (alarm, watch,
// healthy), since when and for how long, the sensors driving it, and its score trend,
// most urgent first. One Tab stop: a listbox whose arrow keys move through the units
// (the unit opens as you go; Enter moves to its chart). Virtualized: a small pool of
// rows shows the part of the fleet in view, so a threshold move costs the same few rows
// of DOM work whatever the fleet's size.
import { unitPhrase } from '../../data/unit-phrase.js';
import { h, setAttr, setText } from '../dom.js';
import { GAP_FACTOR } from '../../data/time-gaps.js';
import type { Workbench } from '../workbench.js';
import { STATES, type FleetRow, type FleetStates } from '../../alarms/budget-types.js';
import { WHOLE_SERIES, type Dataset } from '../../data/dataset.js';
import { SPARK_H, SPARK_W, Sparklines } from './sparkline.js';
import { FleetOrder, silentBeforeHealthy } from '../fleet-order.js';
import type { Silence } from '../../data/unit-silence.js';

const ROW_PX = 30;
/** On a phone a row takes two lines: the drivers under the state, not cut to a few letters. */
const NARROW_ROW_PX = 48;
const NARROW = '(max-width: 600px)';
const VIEW_PX = 360;
const POOL = Math.ceil(VIEW_PX / ROW_PX) + 4;
const SVG = 'http://www.w3.org/2000/svg';
/** Serial numbers (digits) longer than this are shown by their two ends. */
const UNIT_CHARS = 12;
const STATE_TEXT = { alarm: 'Alarm', watch: 'Watch', healthy: 'Healthy' } as const;
const STATE_WORDS = { alarm: 'in alarm', watch: 'on watch', healthy: 'healthy' } as const;
/** Words before each cell that only a screen reader says, so an option reads "Unit 7 Alarm, since cycle 180, for 12 cycles, top drivers phi · T30". */
const SPOKEN = ['Unit ', '', ', since ', ', for ', ', top drivers '];

interface RowView {
  el: HTMLDivElement;
  /** Each cell's visible text; hidden words before it make the option's name read as a sentence. */
  cells: HTMLSpanElement[];
  /** The hidden words (", since ", ", for "), left out where the cell is empty. */
  words: HTMLSpanElement[];
  line: SVGPathElement;
  threshold: SVGLineElement;
  unit: number;
}

const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

export function fleetBoard(wb: Workbench): HTMLElement {
  // The frame's unit states and the board's order of them (positions g); row objects only for the rows drawn.
  let states: FleetStates | undefined;
  let shownOrder: Int32Array = new Int32Array(0);
  const order = new FleetOrder();
  const size = () => shownOrder.length;
  const rowAt = (i: number): FleetRow | undefined => (i < size() ? states!.row(shownOrder[i]) : undefined);
  const unitAt = (i: number) => states!.units[shownOrder[i]];
  const indexOfUnit = (unit: number | undefined) => {
    const g = unit === undefined || !states ? -1 : states.indexOf(unit);
    return g < 0 ? -1 : shownOrder.indexOf(g);
  };
  let active: number | undefined;
  const narrow = matchMedia(NARROW);
  let rowPx = narrow.matches ? NARROW_ROW_PX : ROW_PX;
  const sparks = new Sparklines();
  const sort = h(
    'select',
    { 'aria-label': 'Order of units' },
    h('option', { value: 'urgent' }, 'Most urgent first'),
    h('option', { value: 'unit' }, 'By unit'),
  );
  const summary = h('p', { class: 'fleet-summary', 'data-testid': 'fleet-summary' });
  const spacer = h('div', { class: 'fleet-spacer', role: 'presentation' });
  const windowEl = h('div', { class: 'fleet-window', role: 'presentation' });
  const list = h('div', { role: 'listbox', class: 'fleet-list', tabindex: 0, 'aria-label': 'Units, most urgent first' }, spacer, windowEl);

  const pool: RowView[] = Array.from({ length: POOL }, () => {
    const cells = SPOKEN.map(() => h('span'));
    const words = SPOKEN.map((w) => h('span', { class: 'visually-hidden' }, w));
    const wrapped = ['unit', 'state', 'since', 'for', 'drivers'].map((c, i) => h('span', { class: `c-${c}` }, words[i], cells[i]));
    const line = svg('path', { class: 'spark-line', d: '' });
    const threshold = svg('line', { class: 'spark-threshold', x1: 0, x2: SPARK_W });
    const chart = svg('svg', {
      class: 'spark',
      width: SPARK_W,
      height: SPARK_H,
      viewBox: `0 0 ${SPARK_W} ${SPARK_H}`,
      'aria-hidden': 'true',
    });
    chart.append(threshold, line);
    const el = h('div', { role: 'option', class: 'fleet-row' }, ...wrapped);
    el.append(chart);
    const view: RowView = { el, cells, words, line, threshold, unit: NaN };
    el.addEventListener('click', () => moveTo(indexOfUnit(view.unit)));
    windowEl.append(el);
    return view;
  });

  /**
   * Where the list is scrolled, as its scroll events and moveTo leave it: read in paint, after
   * a frame's text is set, scrollTop would make the page lay itself out once more.
   */
  let scrolled = 0;
  /** Fills the pool from the rows in view. */
  const paint = () => {
    const first = Math.max(0, Math.floor(scrolled / rowPx) - 1);
    // Only what changed is set: a slider frame repaints these rows, and any attribute set, even to its value, restyles its element.
    const shift = `translateY(${first * rowPx}px)`;
    if (windowEl.style.transform !== shift) windowEl.style.transform = shift;
    const offset = wb.threshold.thresholded?.offset;
    const ty = offset === undefined ? -10 : sparks.y(-offset);
    let activeShown = false;
    pool.forEach((v, i) => {
      const r = rowAt(first + i);
      if (v.el.hidden !== !r) v.el.hidden = !r;
      if (!r) return;
      v.unit = r.unit;
      // Drivers far from their training readings are marked; a unit not in alarm shows such inputs first,
      // since the forest may not score them past the threshold however far out they are.
      const out = wb.models.outside?.get(r.unit) ?? [];
      const far = new Map(out.map((o) => [o.input, o.side === 'above' ? ' ↑' : ' ↓']));
      const top = wb.models.drivers?.get(r.unit) ?? [];
      const unheeded = r.state === 'alarm' ? [] : out.map((o) => o.input).filter((i) => !top.some((d) => d.input === i));
      const drivers = [...unheeded, ...top.map((d) => d.input)].slice(0, 3).map((i) => `${wb.names(i).short}${far.get(i) ?? ''}`);
      // A unit silent long before the fleet's latest reading: its state is as of then. Healthy then says nothing of now,
      // so its row shows since when it is silent; an alarm or watch keeps its own since.
      const silence = wb.silence;
      const quietSince = silence?.silent.get(r.unit);
      const quietHealthy = quietSince !== undefined && r.state === 'healthy';
      // Healthy by its score, yet an input far past the training readings: the forest cannot score it higher, so it is said.
      const farOut = r.state === 'healthy' && out.length > 0;
      const since = quietHealthy ? quietSince : r.since;
      const until = quietHealthy ? silence!.latest : (r.lastTime ?? r.since);
      // Long ids (serial numbers) differ at their end: the cell keeps both ends; a screen reader hears the whole id.
      const name = wb.units.name(r.unit);
      const shown = name.length > UNIT_CHARS && /^\d+$/.test(name) ? `${name.slice(0, 4)}…${name.slice(-(UNIT_CHARS - 5))}` : name;
      setText(v.cells[0], shown);
      setText(v.words[0], shown === name ? SPOKEN[0] : `${SPOKEN[0]}${name}`);
      setAttr(v.cells[0], 'aria-hidden', String(shown !== name));
      setText(v.cells[1], quietSince !== undefined ? `${STATE_TEXT[r.state]} · silent` : farOut ? 'Out of range' : STATE_TEXT[r.state]);
      setAttr(
        v.cells[1],
        'class',
        quietSince === undefined ? (farOut ? 'badge far' : `badge ${r.state}`) : quietHealthy ? 'badge silent' : `badge ${r.state} silent`,
      );
      setText(v.cells[2], since === null ? '–' : sinceYear ? wb.time.at(since).slice(5) : wb.time.at(since));
      setText(v.cells[3], since === null || until === null ? '–' : wb.time.span(until - since));
      setText(v.cells[4], wb.models.drivers ? drivers.join(' · ') || '–' : '…');
      // A cell too narrow for its text shows all of it on hover.
      const outWords = out
        .map((o) => `${wb.names(o.input).short} ${o.side === 'above' ? '+' : '−'}${o.sigma.toFixed(0)}σ from training`)
        .join(', ');
      const quiet =
        quietSince === undefined
          ? ''
          : `: no reading since ${wb.time.at(quietSince)} (${wb.time.span(silence!.latest - quietSince)} before the fleet’s latest), ${STATE_WORDS[r.state]} then`;
      setAttr(
        v.el,
        'title',
        `${wb.units.name(r.unit)}${quiet}${drivers.length ? `: ${drivers.join(', ')}` : ''}${outWords ? ` (${outWords})` : ''}`,
      );
      // The year left out of the cell is still read out: ", since 2024-" then "03-18 01:00".
      setText(v.words[2], since === null ? '' : sinceYear ? `${SPOKEN[2]}${sinceYear}-` : SPOKEN[2]);
      setText(v.words[3], since === null ? '' : SPOKEN[3]);
      setText(v.words[4], drivers.length ? SPOKEN[4] : '');
      setAttr(v.line, 'd', sparks.path(r.unit));
      setAttr(v.threshold, 'y1', String(ty));
      setAttr(v.threshold, 'y2', String(ty));
      setAttr(v.el, 'id', `fleet-unit-${String(r.unit).replace(/\W/g, '_')}`);
      setAttr(v.el, 'aria-selected', String(r.unit === wb.selectedUnit));
      setAttr(v.el, 'aria-posinset', String(first + i + 1));
      setAttr(v.el, 'aria-setsize', String(size()));
      v.el.classList.toggle('active', r.unit === active);
      if (r.unit === active) activeShown = true;
      setAttr(v.el, 'data-state', r.state);
      setAttr(v.el, 'data-silent', String(quietSince !== undefined));
      setAttr(v.el, 'data-out-of-range', String(farOut));
    });
    // The active option must be in the page for assistive technology to find it.
    const shown = pool.find((v) => v.unit === active && !v.el.hidden);
    if (activeShown && shown) list.setAttribute('aria-activedescendant', shown.el.id);
    else list.removeAttribute('aria-activedescendant');
  };

  const moveTo = (index: number) => {
    if (index < 0 || index >= size()) return;
    active = unitAt(index);
    const top = index * rowPx;
    const view = list.clientHeight || VIEW_PX;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + rowPx > list.scrollTop + view) list.scrollTop = top + rowPx - view;
    scrolled = list.scrollTop;
    wb.selectUnit(active);
    paint();
    // In the list's view, yet maybe not the page's: under the sticky bar, or past the window's edge.
    pool.find((v) => v.unit === active && !v.el.hidden)?.el.scrollIntoView({ block: 'nearest' });
  };

  list.addEventListener('keydown', (e) => {
    const at = indexOfUnit(active);
    const page = Math.floor((list.clientHeight || VIEW_PX) / rowPx) - 1;
    const to: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      Home: 0,
      End: size() - 1,
      PageDown: at + page,
      PageUp: at - page,
    };
    if (e.key in to) {
      e.preventDefault();
      moveTo(Math.max(0, Math.min(size() - 1, at < 0 ? 0 : to[e.key])));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (at < 0) return moveTo(0);
      wb.selectUnit(unitAt(at));
      document.getElementById('unit-score-chart')?.focus(); // the unit is open: continue on its chart
    }
  });
  list.addEventListener('focus', () => {
    if (indexOfUnit(active) < 0) {
      const sel = indexOfUnit(wb.selectedUnit);
      if (size()) moveTo(sel >= 0 ? sel : 0);
    } else paint();
  });

  // Filled last, from the parts above.
  const board = h('section', { class: 'panel fleet', 'aria-labelledby': 'fleet-h' });
  let reordered: { from: Int32Array; silence?: Silence; outside?: ReadonlyMap<number, unknown>; order: Int32Array } | undefined;
  const legendSilent = h(
    'span',
    { hidden: true },
    ' Silent: the unit’s readings stopped long before the fleet’s, so its state is as of its last reading (a healthy one’s Since is that reading).',
  );
  const update = () => {
    const t = wb.threshold.thresholded;
    sparks.use(wb.data?.truth, wb.scores);
    const byUnit = sort.value === 'unit';
    states = t?.units;
    shownOrder = !states ? new Int32Array(0) : byUnit ? order.unitOrder(states, wb.units) : order.urgent(states);
    const quiet = states ? wb.silence : undefined;
    const outside = states && wb.models.outside?.size ? wb.models.outside : undefined;
    if ((quiet || outside) && !byUnit) {
      // A frame that reuses the last order reuses its reordering too.
      if (reordered?.from !== shownOrder || reordered.silence !== quiet || reordered.outside !== outside) {
        const ahead = { has: (u: number) => !!quiet?.silent.has(u) || !!outside?.has(u) };
        reordered = { from: shownOrder, silence: quiet, outside, order: silentBeforeHealthy(shownOrder, states!, ahead) };
      }
      shownOrder = reordered.order;
    }
    const farHealthy = outside ? countFarHealthy(states!, outside, quiet) : 0;
    const stateWidth = farHealthy || quiet ? '6.8rem' : '4.6rem'; // set only when it changes: a frame restyles what it sets
    if (board.style.getPropertyValue('--state-w') !== stateWidth) board.style.setProperty('--state-w', stateWidth);
    legendSilent.hidden = !quiet;
    list.setAttribute('aria-label', byUnit ? 'Units by name' : 'Units, most urgent first');
    if (list.style.getPropertyValue('--row-h') !== `${rowPx}px`) list.style.setProperty('--row-h', `${rowPx}px`);
    spacer.style.height = `${size() * rowPx}px`;
    list.style.height = `${Math.min(VIEW_PX, Math.max(1, size()) * rowPx) + 2}px`; // a small fleet leaves no empty box
    const [alarm, watch, healthy] = states?.counts ?? [0, 0, 0];
    summary.textContent = !size()
      ? ''
      : wb.data?.wholeSeries
        ? `No unit column: the whole file is one unit, ${STATE_WORDS[rowAt(0)!.state]} at its latest reading`
        : `${alarm} in alarm · ${watch} on watch · ${healthy} healthy, at each unit’s latest reading`;
    if (quiet && size()) summary.textContent += `. Of these, ${silentWords(quiet, wb)}`;
    // Data the model does not fit reads out of range nearly everywhere: the mismatch below says so once.
    if (farHealthy && size() && wb.dataCheck?.verdict !== 'mismatch') {
      const who = wb.data?.wholeSeries ? 'It reads' : farHealthy === 1 ? '1 healthy unit reads' : `${farHealthy} healthy units read`;
      summary.textContent += `. ${who} out of range: an input far past the training readings (↑ or ↓ among its drivers), which a forest scores no higher the farther out it is until it lies far past the trained range; check ${farHealthy === 1 ? 'it' : 'them'}`;
    }
    // A model scoring data unlike its training data: every unit may read as alarmed for that alone.
    if (size() && wb.dataCheck?.verdict === 'mismatch')
      summary.textContent += `. Data check: mismatch: these states say how unlike the training data ${wb.data?.wholeSeries ? 'the series' : 'each unit'} is, not how worn it is`;
    paint();
  };

  /** Text ids ("pump-A") get a unit column as wide as the longest (within reason), dates a wider Since; numbers keep narrow ones. */
  const sinceHead = h('span', { class: 'c-since' }, 'Since');
  let sinceYear: string | undefined;
  const fitUnitColumn = () => {
    const unit = wb.data?.truth.columns.find((c) => c.role === 'unit');
    const labels = unit?.labels ?? (wb.data?.wholeSeries ? [wb.units.name(WHOLE_SERIES)] : undefined);
    // Number ids as long as an SAP equipment number (10004728) were cut to "100…".
    const range = unit && wb.profile?.columns.find((c) => c.name === unit.name);
    const longest = labels
      ? labels.reduce((m, l) => Math.max(m, l.length), 0)
      : range && range.count
        ? Math.max(String(range.min).length, String(range.max).length)
        : 0;
    if (longest > 4) board.style.setProperty('--unit-w', `${Math.min(16, longest + 1)}ch`);
    else board.style.removeProperty('--unit-w');
    // Dates within one year say it once, in the heading: the five characters go to the drivers, which were cut short.
    sinceYear = wb.time.ticks === 'date' ? oneYear(wb.data?.truth) : undefined;
    sinceHead.textContent = sinceYear ? `Since (${sinceYear})` : 'Since';
    const seconds = withSeconds(wb.data?.truth);
    if (wb.time.ticks === 'date')
      board.style.setProperty('--since-w', `${(seconds ? 10.4 : 8.4) - (sinceYear ? 2.4 : 0)}rem`); // "(2024-)02-20 00:00(:05)"
    else board.style.removeProperty('--since-w');
  };

  const heading = h('h3', { id: 'fleet-h' }, 'Fleet health');
  /** The unit in view again after the rows moved (another order, another row height): centred, else the top. */
  const centre = (unit: number | undefined) => {
    const at = indexOfUnit(unit);
    const view = list.clientHeight || VIEW_PX;
    list.scrollTop = at < 0 ? 0 : Math.max(0, at * rowPx - (view - rowPx) / 2);
    scrolled = list.scrollTop;
    paint();
  };
  sort.addEventListener('change', () => {
    update();
    // Another order: the old scroll position shows unrelated units. The selected unit stays in view, else the top.
    centre(wb.selectedUnit);
  });
  wb.on('data', fitUnitColumn);
  wb.on('data', () => (heading.textContent = wb.data?.wholeSeries ? 'Series health' : 'Fleet health'));
  list.addEventListener(
    'scroll',
    () => {
      scrolled = list.scrollTop;
      requestAnimationFrame(paint);
    },
    { passive: true },
  );
  narrow.addEventListener('change', () => {
    // The same scrollTop is other rows at another height: the unit the keys are on (else the open one) stays in view.
    const first = Math.floor(scrolled / rowPx);
    rowPx = narrow.matches ? NARROW_ROW_PX : ROW_PX;
    update();
    if (active !== undefined || wb.selectedUnit !== undefined) centre(active ?? wb.selectedUnit);
    else {
      list.scrollTop = first * rowPx;
      scrolled = list.scrollTop;
      paint();
    }
  });
  wb.on('threshold', update);
  wb.on('check', update);
  wb.on('unit', paint);
  wb.on('drivers', update); // inputs out of range arrive with the drivers: the order and the summary follow them
  board.append(
    h('div', { class: 'panel-head' }, heading, sort),
    summary,
    h(
      'div',
      { class: 'fleet-head', 'aria-hidden': 'true' },
      ...['unit', 'state'].map((c) => h('span', { class: `c-${c}` }, c === 'unit' ? 'Unit' : 'State')),
      sinceHead,
      h('span', { class: 'c-for' }, 'For'),
      h('span', { class: 'c-drivers' }, 'Top drivers'),
      h('span', { class: 'c-trend' }, 'Trend'),
    ),
    list,
    h(
      'p',
      { class: 'muted small' },
      'Alarm: the model’s alarm rule holds at the latest reading. Watch: some of the last readings are over the threshold, too few to alarm.',
      legendSilent,
      ' Top drivers: the three sensors that pushed the latest reading’s score up the most; ↑ or ↓ marks a sensor whose latest reading is more than 6σ above or below the training readings, which a forest scores no higher the farther out it is until it lies far past the trained range, so check it even when the unit is healthy.',
    ),
  );
  update();
  return board;
}

/** Times to the second: the Since column is wider. The first readings tell (a logger keeps its rate). */
/** The UTC year all the data's times fall in, or none when they span two or more. */
const yearOf = new WeakMap<Float64Array, string | undefined>(); // a scan of 6M times, once per data, not per 'data' event

function oneYear(truth: Dataset | undefined): string | undefined {
  const t = truth?.columns.find((c) => c.role === 'time')?.values;
  if (!t) return undefined;
  if (!yearOf.has(t)) yearOf.set(t, yearOfTimes(t));
  return yearOf.get(t);
}

function yearOfTimes(t: Float64Array): string | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < t.length; i++) {
    if (t[i] < lo) lo = t[i];
    if (t[i] > hi) hi = t[i];
  }
  if (!(lo <= hi)) return undefined;
  const [a, b] = [new Date(lo).getUTCFullYear(), new Date(hi).getUTCFullYear()];
  return a === b && a >= 1000 && a <= 9999 ? String(a) : undefined;
}

function withSeconds(truth: Dataset | undefined): boolean {
  const t = truth?.columns.find((c) => c.role === 'time')?.values;
  if (!t) return false;
  for (let i = 0; i < Math.min(t.length, 1000); i++) if (t[i] % 60_000 !== 0 && t[i] === t[i]) return true;
  return false;
}

/** Units healthy at their latest reading with an input there far outside the training range. */
function countFarHealthy(s: FleetStates, outside: ReadonlyMap<number, unknown>, quiet: Silence | undefined): number {
  let n = 0;
  // A silent unit's row says silent first: it is counted there.
  for (let g = 0; g < s.units.length; g++)
    if (STATES[s.state[g]] === 'healthy' && outside.has(s.units[g]) && !quiet?.silent.has(s.units[g])) n++;
  return n;
}

/** The summary's words for units gone silent: one is named with how long; many are counted. */
function silentWords(quiet: Silence, wb: Workbench): string {
  const n = quiet.silent.size;
  if (n === 1) {
    const [[unit, last]] = quiet.silent;
    const name = wb.units.name(unit);
    return `${unitPhrase(name)} is silent: no reading in the ${wb.time.span(quiet.latest - last)} before the fleet’s latest (${wb.time.at(quiet.latest)}), ${GAP_FACTOR} or more of its usual intervals, so its state is as of its last reading`;
  }
  return `${n} are silent: no reading in ${GAP_FACTOR} or more of their usual intervals before the fleet’s latest (${wb.time.at(quiet.latest)}), so their states are as of their last readings`;
}
