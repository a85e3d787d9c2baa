import type { FileEvent } from '../schema/event';
import type { BackendFormat } from '../schema/identifiers';

/** How a batch of events is put on the wire for one kind of backend. Pure. */
export interface WireFormat {
  id: BackendFormat;
  contentType: string;
  supportsGzip: boolean;
  /** The URL batches are POSTed to, given the configured backend URL. */
  endpoint(backendUrl: string): string;
  /** The Authorization header value for a token. */
  authorization(token: string): string;
  encode(events: readonly FileEvent[]): string;
}
