import type { BackendFormat } from '../schema/identifiers';
import { elasticFormat } from './elastic';
import { nativeFormat } from './native';
import { ocsfFormat } from './ocsf';
import { splunkHecFormat } from './splunk-hec';
import type { WireFormat } from './wire-format';
import { xsoarFormat } from './xsoar';

export type { DeliveryOutcome, EncodeContext, WireFormat } from './wire-format';

/** Every backendFormat has its wire format: the type makes a missing one a compile error. */
const FORMATS: Record<BackendFormat, WireFormat> = {
  native: nativeFormat,
  splunk_hec: splunkHecFormat,
  xsoar: xsoarFormat,
  elastic: elasticFormat,
  ocsf: ocsfFormat,
};

export function wireFormatFor(id: BackendFormat): WireFormat {
  return FORMATS[id];
}
