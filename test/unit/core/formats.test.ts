import { describe, expect, it } from 'vitest';
import { wireFormatFor } from '../../../src/core/formats';
import { NativeBatch } from '../../../src/core/schema/event';
import { sampleEvent, sampleId } from '../support/sample-event';

describe('the native wire format', () => {
  const format = wireFormatFor('native');

  it('encodes a valid native batch with a bearer token', async () => {
    const events = [await sampleEvent({ id: sampleId(1) }), await sampleEvent({ id: sampleId(2) })];
    expect(NativeBatch.parse(JSON.parse(format.encode(events)))).toEqual({ events });
    expect(format.authorization('t0k')).toBe('Bearer t0k');
    expect(format.endpoint('https://b.example/api/v1/events')).toBe('https://b.example/api/v1/events');
    expect(format.contentType).toBe('application/json');
  });
});
