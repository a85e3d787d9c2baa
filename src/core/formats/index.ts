import type { BackendFormat } from '../schema/identifiers';
import { elasticFormat } from './elastic';
import { nativeFormat } from './native';
import { ocsfFormat } from './ocsf';
import { splunkHecFormat } from './splunk-hec';
import type { WireFormat } from './wire-format';
import { xsoarFormat } from './xsoar';

export type { DeliveryOutcome, EncodeContext, WireFormat } from './wire-format';

const FORMATS: Partial<Record<BackendFormat, WireFormat>> = {
  native: nativeFormat,
  splunk_hec: splunkHecFormat,
  xsoar: xsoarFormat,
  elastic: elasticFormat,
  ocsf: ocsfFormat,
};

/** The wire format for a policy's backendFormat; formats not built yet fall back to native, said by `fellBack`. */
export function wireFormatFor(id: BackendFormat | undefined): { format: WireFormat; fellBack: boolean } {
  const format = FORMATS[id ?? 'native'];
  return format ? { format, fellBack: false } : { format: nativeFormat, fellBack: true };
}
