import type { BackendFormat } from '../schema/identifiers';
import { nativeFormat } from './native';
import type { WireFormat } from './wire-format';

export type { WireFormat } from './wire-format';

const FORMATS: Partial<Record<BackendFormat, WireFormat>> = { native: nativeFormat };

/** The wire format for a policy's backendFormat; formats not built yet fall back to native, said by `fellBack`. */
export function wireFormatFor(id: BackendFormat | undefined): { format: WireFormat; fellBack: boolean } {
  const format = FORMATS[id ?? 'native'];
  return format ? { format, fellBack: false } : { format: nativeFormat, fellBack: true };
}
