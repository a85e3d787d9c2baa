import { describe, expect, it } from 'vitest';
import { backendUrlProblem } from '../../../src/core/backend-url';
import { wireFormatFor } from '../../../src/core/formats';
import { NativeBatch } from '../../../src/core/schema/event';
import { sampleEvent, sampleId } from '../support/sample-event';

describe('backendUrlProblem', () => {
  it.each([
    ['https://upwatch.acme.com/api/v1/events', undefined],
    ['http://127.0.0.1:8787/api/v1/events', undefined],
    ['http://127.1.2.3/x', /only on loopback/],
    ['http://localhost:9000/x', undefined],
    ['http://[::1]:9000/x', /use http:\/\/localhost:9000/],
    ['http://collector.acme.com/x', /HTTPS/],
    ['http://10.0.0.5/x', /HTTPS/],
    ['ftp://acme.com/x', /not supported/],
    ['not a url', /not a valid URL/],
  ])('%s', (url, problem) => {
    const result = backendUrlProblem(url);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });
});

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
