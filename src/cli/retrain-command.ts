// retrain: a model from the readings consume stored in Cosmos DB, trained exactly as `train`
// trains on a file (same flags, same defaults), optionally published as a candidate that
// consume and serve then score in shadow until it is promoted.
import { regimeConstantLine } from '../features/feature-words.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { trainModel } from '../model/train.js';
import { readStoredReadings } from '../connectors/stored-readings.js';
import { publishModel } from '../connectors/model-registry.js';
import { list, parse } from './args.js';
import { calibrationLine, inSampleLine, TRAIN_FLAGS_USAGE, TRAIN_OPTIONS, trainChoice, trainedLine, leftOutLine } from './train-flags.js';
import { STREAM_KEY_OPTIONS } from './model-source.js';
import { UsageError } from './errors.js';
import { writeText } from './output-file.js';
import { loadDotEnv } from './env.js';
import { cosmosClient, reachError } from './azure.js';

export const RETRAIN_USAGE =
  `isoscope retrain --from cosmos [--since ISO] [--until ISO] [--units a,b] [--exclude-alarmed] ${TRAIN_FLAGS_USAGE} ` +
  '[--unit-field unit_number] [--time-field time_in_cycles] -o model.json [--publish] [--note TEXT]';

export async function retrainCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const { values } = parse(
    argv,
    {
      ...TRAIN_OPTIONS,
      ...STREAM_KEY_OPTIONS,
      from: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      units: { type: 'string' },
      'exclude-alarmed': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      publish: { type: 'boolean' },
      note: { type: 'string' },
    },
    RETRAIN_USAGE,
  );
  if (values.help) return out(RETRAIN_USAGE);
  if (values.from !== 'cosmos') throw new UsageError(`retrain needs --from cosmos\nusage: ${RETRAIN_USAGE}`);
  if (!values.output) throw new UsageError(`retrain needs -o model.json\nusage: ${RETRAIN_USAGE}`);
  if (values.note !== undefined && !values.publish) throw new UsageError('--note goes with --publish');
  const since = isoFlag(values.since, '--since');
  const until = isoFlag(values.until, '--until');
  const units = list(values.units)?.map((u) => {
    const n = Number(u);
    if (!Number.isFinite(n)) throw new UsageError(`--units takes unit numbers separated by commas, got "${u}"`);
    return n;
  });
  const keys = { unitField: values['unit-field'] ?? 'unit_number', timeField: values['time-field'] ?? 'time_in_cycles' };
  // Flags first: a mistyped value should not wait for a read of the whole container.
  const choice = trainChoice(values, true);
  loadDotEnv();
  const { client, settings } = cosmosClient(process.env);
  try {
    const readings = client.database(settings.database).container(settings.container);
    const where = `${settings.database}/${settings.container}`;
    const stored = await readStoredReadings(
      readings,
      { since, until, units, excludeAlarmed: values['exclude-alarmed'], ...keys },
      `cosmos:${where}`,
    ).catch((e) => {
      throw reachError(`Cosmos DB container ${where}`, e);
    });
    const ds = stored.dataset;
    err(
      `isoscope: read ${ds.rows} stored readings from ${where} (${stored.partitions} partition${stored.partitions === 1 ? '' : 's'})${values['exclude-alarmed'] ? `, left out ${stored.alarmed} held in alarm` : ''}`,
    );
    const result = await trainModel(await engine(), ds, choice);
    writeText(values.output, JSON.stringify(result.model));
    if (result.droppedMissing) err(leftOutLine(result, ds));
    if (result.constantInRegime.length) err(`isoscope: ${regimeConstantLine(result.constantInRegime)}`);
    err(trainedLine(result, choice, values.output));
    const calibrated = calibrationLine(result.model);
    if (calibrated) err(calibrated);
    else if (result.model.threshold.contamination !== 'auto') err(inSampleLine(result));
    if (values.publish) {
      const models = client.database(settings.database).container(settings.modelsContainer);
      const published = await publishModel(models, result.model, values.note, 'candidate').catch((e) => {
        throw reachError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
      });
      out(`published model ${result.model.id} as ${published.id} in ${settings.database}/${settings.modelsContainer} (candidate)`);
    }
  } finally {
    client.dispose();
  }
}

function isoFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(t))
    throw new UsageError(`${flag} takes an ISO time such as 2026-01-31T00:00:00Z, got "${value}"`);
  return new Date(t).toISOString();
}
