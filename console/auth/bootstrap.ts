/** A console with no credential at all gets one admin key, so somebody can start administering it. */
import type { ConsoleServices } from '../services';
import { recordAudit } from '../audit';

export const INITIAL_ADMIN_NAME = 'initial-admin';

/** Creates the first admin key when there is no credential; answers its secret, or undefined. */
export async function createInitialAdminKey(services: ConsoleServices): Promise<string | undefined> {
  if (!(await services.credentials.isEmpty())) return undefined;
  const { info, secret } = await services.credentials.create({ name: INITIAL_ADMIN_NAME, role: 'admin', createdBy: 'system' });
  await recordAudit(services.db, { actor: 'system', action: 'credential.created', target: `credential:${info.name}`, after: info }, services.now());
  return secret;
}
