// The slider-index worker: nothing but a Comlink pipe to the service in src/services.
import * as Comlink from 'comlink';
import { SliderIndexService } from '../src/services/slider-index-service.js';

Comlink.expose(new SliderIndexService());
