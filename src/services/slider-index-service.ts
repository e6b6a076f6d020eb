// The slider's index, built off the page's main thread. Its input (the scores and truth
// columns, hundreds of MB at millions of readings) comes from the engine worker on a
// port of their own, copied there and transferred: a structured clone from the page
// would freeze its main thread for seconds. The index goes back by transfer.
import { buildSliderIndex, type SliderIndex, type SliderIndexInput } from '../metrics/slider-index.js';
import type { Dataset } from '../data/dataset.js';
import { transferring } from './transfer.js';

/** What the engine sends on the port: the scores shown and the truth columns, or why it cannot. */
export type IndexData = { scores: Float64Array; truth: Dataset } | { error: string };

/** What the page sends itself: the alarm rule and the evaluation's options (a few MB at most). */
export type IndexRequest = Omit<SliderIndexInput, 'scores' | 'truth'>;

export class SliderIndexService {
  build(input: SliderIndexInput): SliderIndex {
    return transferring(buildSliderIndex(input));
  }

  /** The index of the scores and truth that arrive on `port` (sent by the engine's sendIndexInput). */
  async buildFrom(port: MessagePort, request: IndexRequest): Promise<SliderIndex> {
    const data = await new Promise<IndexData>((ok) => {
      port.addEventListener('message', (e) => ok((e as MessageEvent<IndexData>).data), { once: true });
      port.start();
    });
    port.close();
    if ('error' in data) throw new Error(data.error);
    return this.build({ ...data, ...request });
  }
}
