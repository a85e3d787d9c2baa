import { buildFileEvent, type BuildEventInput } from '../../../src/core/build-event';
import { DEFAULT_RISK_SETTINGS } from '../../../src/core/risk/settings';
import type { FileEvent } from '../../../src/core/schema/event';

/** A valid event id whose order follows n. */
export const sampleId = (n: number) => `0190a0e2-7c4b-7def-8abc-${String(n).padStart(12, '0')}`;

/** The inputs of buildFileEvent for a plain upload to Dropbox; override what a test is about. */
export function sampleInput(over: Partial<BuildEventInput> = {}): BuildEventInput {
  return {
    id: sampleId(1),
    observedAt: '2026-11-22T10:00:00.000Z',
    channel: 'file_picker',
    trustedEvent: true,
    file: { name: 'main.py', size: 1234, mimeType: 'text/x-python' },
    tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' },
    user: {},
    device: { browser: 'Chrome', browserVersion: '156', os: 'linux', extensionVersion: '0.1.0' },
    destinationOptions: {},
    keepUrlQuery: false,
    settings: DEFAULT_RISK_SETTINGS,
    context: {},
    ...over,
  };
}

export const sampleEvent = (over: Partial<BuildEventInput> = {}): Promise<FileEvent> => buildFileEvent(sampleInput(over));
