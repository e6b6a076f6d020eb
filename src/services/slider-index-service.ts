// The slider's index, built off the page's main thread: the scores and truth columns
// arrive as one structured-clone copy, the index goes back by transfer (no second copy).
import { buildSliderIndex, type SliderIndex, type SliderIndexInput } from '../metrics/slider-index.js';
import { transferring } from './transfer.js';

export class SliderIndexService {
  build(input: SliderIndexInput): SliderIndex {
    return transferring(buildSliderIndex(input));
  }
}
