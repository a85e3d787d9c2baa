/** The native wire format: `{"events": [ … ]}` with a bearer token (docs/architecture.md "Contracts"). */
import type { FileEvent, NativeBatch } from '../schema/event';
import { interpretHttp, type EncodeContext, type WireFormat } from './wire-format';

export const nativeFormat: WireFormat = {
  id: 'native',
  contentType: 'application/json',
  supportsGzip: true,
  endpoint: (backendUrl) => backendUrl,
  authorization: (token) => `Bearer ${token}`,
  encode(events: readonly FileEvent[], context: EncodeContext = {}): string {
    const batch: NativeBatch = {
      events: [...events],
      ...(context.droppedEvents ? { droppedEvents: context.droppedEvents } : {}),
      ...(context.health && { health: context.health }),
    };
    return JSON.stringify(batch);
  },
  interpret: (status, _body, retryAfter, now) => interpretHttp(status, retryAfter, now),
};
