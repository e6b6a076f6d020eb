// Boots the workbench: workers, the guided layout (Data → Quality → Train → Review →
// Stream and Connect), drag and drop.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { h } from './dom.js';
import { Workbench } from './workbench.js';
import { topBar } from './views/topbar.js';
import { dataPanel } from './views/data-panel.js';
import { profileTable } from './views/profile-table.js';
import { trainPanel } from './views/train-panel.js';
import { reviewSection } from './views/review.js';
import { livePanel } from './views/live-panel.js';
import { connectPanel } from './views/connect-panel.js';
import { modelsPanel } from './views/models-panel.js';
import { stepHeading } from './views/message-line.js';

const wb = new Workbench();
(window as unknown as { isoscope: Workbench }).isoscope = wb; // for tests and the console

const app = document.getElementById('app')!;
const dropHint = h('div', { class: 'drop-hint', 'aria-hidden': 'true' }, 'Drop C-MAPSS, CSV, .gz or .zip files — or a model .json');
app.replaceChildren(
  topBar(wb),
  h(
    'main',
    { class: 'flow' },
    dataPanel(wb),
    profileTable(wb),
    trainPanel(wb),
    reviewSection(wb),
    h(
      'section',
      { class: 'step stream', id: 'stream', 'aria-labelledby': 'stream-h' },
      stepHeading('stream', 5, 'Stream and Connect'),
      livePanel(wb),
      connectPanel(wb),
      modelsPanel(wb),
    ),
  ),
  dropHint,
);

let depth = 0;
window.addEventListener('dragenter', (e) => {
  e.preventDefault();
  depth++;
  document.body.classList.add('dragging');
});
window.addEventListener('dragleave', () => {
  depth = Math.max(0, depth - 1);
  if (depth === 0) document.body.classList.remove('dragging');
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => void onDrop(e));

async function onDrop(e: DragEvent): Promise<void> {
  e.preventDefault();
  depth = 0;
  document.body.classList.remove('dragging');
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.length === 0) return;
  if (files.length === 1 && /\.json$/i.test(files[0].name)) return wb.importModel(await files[0].text(), files[0].name);
  await wb.loadFiles(files);
}

wb.workers
  .init()
  .then(() => wb.session.restore())
  .catch((e) => wb.fail('data', `The scoring engine could not start: ${(e as Error).message}`));
