// Every expected failure reaches the user as one line and a non-zero exit.

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A service (Event Hubs, Cosmos DB) that could not be reached or refused the call: exit 1, not a usage error. */
export class ServiceError extends Error {
  override name = 'ServiceError';
}

/** Errors whose message is written for the user (data, model, parameter, usage). */
export function isUserError(e: unknown): e is Error {
  return e instanceof Error && ['UsageError', 'DataError', 'ModelError', 'ParamError', 'RegistryError', 'ServiceError'].includes(e.name);
}
