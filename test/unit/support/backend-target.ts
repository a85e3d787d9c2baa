import type { BackendTarget } from '../../../src/core/effective-config';
import { nativeFormat } from '../../../src/core/formats/native';

/** A native-format backend with the outbox's default batch bounds, for the outbox and delivery tests. */
export const nativeTarget = (token: string): BackendTarget => ({
  url: 'https://backend.example/api/v1/events',
  token,
  format: nativeFormat,
  maxBatchEvents: 200,
  maxBatchBytes: 1_048_576,
});
