// Every expected failure reaches the user as one line and a non-zero exit.

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors whose message is written for the user (data, model, parameter, usage). */
export function isUserError(e: unknown): e is Error {
  return e instanceof Error && ['UsageError', 'DataError', 'ModelError', 'ParamError', 'RegistryError'].includes(e.name);
}
