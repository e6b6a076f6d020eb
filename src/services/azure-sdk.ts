// The Azure SDKs are large: the engine worker loads them at the first Connect, not at
// start. Errors from here reach the page as one line without secrets.
import type { EventHubProducerClient } from '@azure/event-hubs';
import type * as HubLinkNs from '../connectors/hub-link.js';
import type * as LinkSettingsNs from '../connectors/link-settings.js';
import { failureLine } from '../connectors/settings.js';

type HubLinkModule = typeof HubLinkNs;
type LinkSettingsModule = typeof LinkSettingsNs;
let sdk: Promise<HubLinkModule & LinkSettingsModule & { EventHubProducerClient: typeof EventHubProducerClient }> | undefined;
export const azure = () =>
  (sdk ??= Promise.all([import('../connectors/hub-link.js'), import('../connectors/link-settings.js'), import('@azure/event-hubs')]).then(
    ([hubLink, settings, eventHubs]) => ({ ...hubLink, ...settings, EventHubProducerClient: eventHubs.EventHubProducerClient }),
  ));

/** Errors here reach the page as one line without secrets. */
export class LinkError extends Error {
  override name = 'LinkError';
}

export function cosmosError(what: string, e: unknown): Error {
  return new LinkError(failureLine(what, e, { credentials: 'key or token', missingHint: ' (run isoscope cosmos-setup)' }));
}
