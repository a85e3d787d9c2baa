/** The native wire format: `{"events": [ … ]}` with a bearer token (DESIGN.md "Contracts"). */
import type { FileEvent, NativeBatch } from '../schema/event';
import type { WireFormat } from './wire-format';

export const nativeFormat: WireFormat = {
  id: 'native',
  contentType: 'application/json',
  supportsGzip: true,
  endpoint: (backendUrl) => backendUrl,
  authorization: (token) => `Bearer ${token}`,
  encode(events: readonly FileEvent[]): string {
    const batch: NativeBatch = { events: [...events] };
    return JSON.stringify(batch);
  },
};
