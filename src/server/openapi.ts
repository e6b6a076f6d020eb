// The route schemas: @fastify/swagger builds /openapi.json from them, and Fastify checks the
// /predict body's shape with them. Responses are written with JSON.stringify (see app.ts), so
// these response schemas document and never strip fields.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';

const error = {
  type: 'object',
  description: 'What went wrong, in one line.',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;

/** One reading: required are the unit and time fields the server keys readings by; inputs may be absent (the reading is then not scored). */
function readingSchema(keys: { unitField: string | null; timeField: string }) {
  const number = { type: 'number' } as const;
  const numberText = { type: 'string', description: 'a decimal number as text, e.g. "642.58"' } as const;
  return {
    type: 'object',
    description:
      'One reading: its columns by name, as on the hub (the unit and time fields and every input of GET /model). Inputs are numbers, or text holding a decimal number; true/false and "ON"/"OFF" (any case) are read as 1/0, as the CSV reader reads them; -999 and -9999 are missing codes. An input absent, null, a missing code or anything else leaves the reading unscored (missing_features).',
    additionalProperties: true,
    required: [...(keys.unitField === null ? [] : [keys.unitField]), keys.timeField],
    properties: {
      ...(keys.unitField === null
        ? {}
        : {
            [keys.unitField]: {
              description:
                'The unit: a number or text (at most 200 characters, none of / \\ ? # or a control character). Text is tracked trimmed and a whole number of up to 15 digits written as text in its plain form is that number (" 7", "7" and 7 are one unit; "007", "+7", "7.0" and "7e0" are ids of their own); the answer echoes the field as sent.',
              oneOf: [number, { type: 'string' }],
            },
          }),
      [keys.timeField]: { description: "The reading's time; each unit's must rise from reading to reading.", oneOf: [number, numberText] },
    },
    example: { ...(keys.unitField === null ? {} : { [keys.unitField]: 1 }), [keys.timeField]: 31, sensor_2: 642.58, sensor_3: 1581.22 },
  } as const;
}

const result = {
  type: 'object',
  description:
    "The reading's unit and time fields (named as on the hub) and what scoring said: anomaly_score is -score_samples (higher is more abnormal), null when the reading lacks an input (missing_features) or its unit's window is still filling (warming_up); alarm is the unit's k-of-n state right after this reading.",
  additionalProperties: true,
  properties: {
    anomaly_score: { type: 'number', nullable: true },
    is_anomaly: { type: 'boolean', nullable: true },
    alarm: { type: 'boolean' },
    missing_features: {
      type: 'array',
      items: { type: 'string' },
      description: 'Only on a reading that was not scored: the inputs it lacked.',
    },
    warming_up: {
      type: 'boolean',
      enum: [true],
      description:
        "Only on a reading not scored though it has every input: its unit's feature window is not full yet (its first readings).",
    },
    data_quality: {
      type: 'array',
      description:
        'Only on a reading that shows a data-quality alert in force: which input, what kind, and (for a unit of its own) the unit.',
      items: {
        type: 'object',
        properties: {
          input: { type: 'string' },
          kind: { type: 'string', enum: ['missing', 'below', 'above', 'flat', 'unknown_regime'] },
          unit: { oneOf: [{ type: 'number' }, { type: 'string' }] },
        },
        required: ['input', 'kind'],
      },
    },
    model_id: { type: 'string' },
    model_version: { type: 'string' },
    shadow: {
      type: 'object',
      description:
        'With --model-from cosmos, while a candidate newer than the champion is published: what the candidate says of this reading.',
      properties: {
        model_version: { type: 'string' },
        anomaly_score: { type: 'number', nullable: true },
        is_anomaly: { type: 'boolean', nullable: true },
        alarm: { type: 'boolean' },
      },
    },
  },
  required: ['anomaly_score', 'is_anomaly', 'alarm', 'model_id', 'model_version'],
} as const;

const secured = [{ bearer: [] }];

/** What any route may answer before its own work starts: a request Node's HTTP parser refuses. */
const httpEdges = {
  400: {
    ...error,
    description: 'The request is not valid HTTP (for example a Content-Length that is no number); the connection is closed.',
  },
  408: {
    ...error,
    description:
      'The request (headers and body) did not arrive whole within a minute (answered within 5 s of it); the connection is closed.',
  },
  431: { ...error, description: "The request's headers are larger than the server takes; the connection is closed." },
} as const;

/** The GET routes' answer to another method. */
const getOnly = { ...error, description: 'Only GET or HEAD: the answer names them (Allow).' };

export const predictSchema = (keys: { unitField: string | null; timeField: string }) => ({
  summary: 'Score one reading or an array of readings',
  description:
    "Readings of a unit must be posted in time order: the server keeps each unit's recipe window and alarm state, as the consumer does. An array is scored in its order and answered in the same order. To retry safely (after a timeout, say), send an Idempotency-Key: a retry with the same key and body gets the first answer again, kept for a day.",
  security: secured,
  headers: {
    type: 'object',
    properties: {
      'idempotency-key': {
        type: 'string',
        description:
          'Optional, 1 to 255 printable ASCII characters (a UUID is usual), new for each new request. The same key with the same body gets the first answer again (Idempotent-Replayed: true) without scoring; with another body, 422.',
      },
    },
  },
  body: { oneOf: [readingSchema(keys), { type: 'array', items: readingSchema(keys) }] },
  response: {
    200: {
      description: 'One result for an object, an array of results for an array.',
      headers: {
        'server-timing': { type: 'string', description: 'score;dur=<ms>: how long scoring took, without parsing and network.' },
        'idempotent-replayed': {
          type: 'string',
          enum: ['true'],
          description: 'On the answer to a retry (same Idempotency-Key, same body): the first answer again; nothing was scored.',
        },
      },
      oneOf: [result, { type: 'array', items: result }],
    },
    400: {
      ...error,
      description:
        'The body is not UTF-8 JSON, not a reading or an array of readings, or a reading has no unit or time to key it by (the answer names it); or the request is not valid HTTP.',
    },
    401: error,
    409: {
      ...error,
      description:
        "A reading is not after its unit's previous one (a repeat, or out of time order); nothing was scored. A retry of an answered request sent with the same Idempotency-Key gets its first answer instead.",
    },
    422: { ...error, description: 'The Idempotency-Key came before with another body; nothing was scored.' },
    405: { ...error, description: 'Only POST: the answer names the methods allowed (Allow).' },
    408: httpEdges[408],
    413: {
      ...error,
      description:
        'A body larger than the server takes (serve --body-limit), or more readings than one request may hold (serve --max-readings).',
    },
    415: { ...error, description: 'A Content-Type other than application/json, a charset other than UTF-8, or a compressed body.' },
    431: httpEdges[431],
  },
});

export const modelSchema = {
  summary: 'The model in use',
  security: secured,
  response: {
    200: {
      type: 'object',
      properties: {
        model_id: { type: 'string' },
        model_version: { type: 'string', description: 'The published version (v3), or the model file’s createdAt.' },
        created_at: { type: 'string' },
        kind: { type: 'string' },
        inputs: { type: 'array', items: { type: 'string' }, description: 'Fields every reading must carry.' },
        features: { type: 'array', items: { type: 'string' } },
        unit_field: {
          type: 'string',
          nullable: true,
          description: 'null when the server runs with --unit-field none: the readings are one series.',
        },
        time_field: { type: 'string' },
        threshold: {
          type: 'object',
          properties: {
            offset: { type: 'number' },
            contamination: { oneOf: [{ type: 'number' }, { type: 'string', enum: ['auto'] }] },
            anomaly_score_above: { type: 'number', description: 'A reading is anomalous when its anomaly_score is above this.' },
          },
        },
        alarm: {
          type: 'object',
          description: 'A unit raises an alarm when k of its last n readings are anomalous, and clears when at most `clear` are.',
          properties: { k: { type: 'integer' }, n: { type: 'integer' }, clear: { type: 'integer' } },
        },
      },
    },
    401: error,
    405: getOnly,
    ...httpEdges,
  },
};

export const forgetUnitSchema = {
  summary: "Forget a unit's state",
  description:
    'Its feature window, alarm and time order start afresh with its next reading: for a unit a wrong time put far ahead (every later reading refused with 409), or a machine serviced. With --unit-field none the one series is `series`.',
  security: secured,
  params: { type: 'object', properties: { unit: { type: 'string', description: 'The unit id as readings carry it ("7" is unit 7).' } } },
  response: {
    ...httpEdges,
    200: { type: 'object', properties: { forgotten: { type: 'string', description: 'The unit id as sent.' } } },
    400: {
      ...error,
      description: 'No unit can be named so (too long, or a character an id cannot hold); or the request is not valid HTTP.',
    },
    401: error,
    404: { ...error, description: 'The unit is not tracked: nothing to forget.' },
    405: { ...error, description: 'Only DELETE.' },
  },
};

export const healthSchema = {
  summary: 'Liveness: answers without a key',
  response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } }, 405: getOnly, ...httpEdges },
};

export const metricsSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  security: secured,
  response: {
    200: {
      description: 'iot_anomaly_* series',
      content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
    },
    401: error,
    405: getOnly,
    ...httpEdges,
  },
};

export const openapiSchema = {
  summary: 'This document',
  security: secured,
  response: { 200: { description: 'OpenAPI 3', type: 'object', additionalProperties: true }, 401: error, 405: getOnly, ...httpEdges },
};

export function swaggerOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    // GET routes answer HEAD too: the document says so.
    exposeHeadRoutes: true,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'isoscope serve',
        description:
          'Isolation Forest anomaly scores for sensor readings, with the same results as isoscope consume and isoscope score. Every error is one line of JSON, {"error": "..."}; a path that is no route answers 404. GET routes also take HEAD.',
        version,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'ISOSCOPE_API_KEY, when the server has one.' },
        },
      },
    },
  };
}
