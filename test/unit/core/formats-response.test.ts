/**
 * Every wire format carries a response's outcome (issue 14): OCSF in the security_control profile's
 * action and disposition, ECS in event.action / event.outcome / event.type, Splunk HEC in indexed
 * fields, XSOAR in the incident's name and details, the native format as the event's `response`.
 */
import { describe, expect, it } from 'vitest';
import { wireFormatFor } from '../../../src/core/formats';
import { ecsDocument } from '../../../src/core/formats/elastic';
import { ocsfEvents } from '../../../src/core/formats/ocsf';
import { xsoarIncident } from '../../../src/core/formats/xsoar';
import type { FileEvent } from '../../../src/core/schema/event';
import { RESPONSE_OUTCOMES, type EventResponse, type ResponseOutcome } from '../../../src/core/schema/response';
import { sampleEvent, sampleId } from '../support/sample-event';

const base = await sampleEvent({ id: sampleId(1), user: { email: 'ana@acme.com' }, file: { name: 'payroll.csv', size: 10, mimeType: 'text/csv' } });
const ACTION: Record<ResponseOutcome, EventResponse['action']> = { allowed: 'allow', notified: 'notify', warned: 'warn', bypassed: 'warn', blocked: 'block' };
const withOutcome = (outcome: ResponseOutcome, extra: Partial<EventResponse> = {}): FileEvent => ({
  ...base,
  response: { action: ACTION[outcome], outcome, ruleId: 'rule-1', decidedInMs: 7, ...extra },
});

describe('the outcome in every wire format', () => {
  it.each([
    // outcome, OCSF action, OCSF disposition, ECS outcome, ECS type, XSOAR name says
    ['allowed', [1, 'Allowed'], [1, 'Allowed'], 'success', 'allowed', 'uploaded to Dropbox'],
    ['notified', [1, 'Allowed'], [1, 'Allowed'], 'success', 'allowed', 'uploaded to Dropbox (notified)'],
    ['bypassed', [1, 'Allowed'], [8, 'Approved'], 'success', 'allowed', 'uploaded to Dropbox after a warning'],
    ['warned', [2, 'Denied'], [2, 'Blocked'], 'failure', 'denied', 'held back from Dropbox at a warning'],
    ['blocked', [2, 'Denied'], [2, 'Blocked'], 'failure', 'denied', 'blocked from Dropbox'],
  ] as const)('%s', (outcome, [actionId, action], [dispositionId, disposition], ecsOutcome, ecsType, xsoarName) => {
    const event = withOutcome(outcome);
    for (const ocsf of ocsfEvents(event) as Record<string, unknown>[]) {
      expect(ocsf).toMatchObject({ action_id: actionId, action, disposition_id: dispositionId, disposition, metadata: { profiles: ['security_control'] } });
    }
    const ecs = ecsDocument(event);
    expect(ecs.event).toMatchObject({ action: `file-upload-${outcome}`, outcome: ecsOutcome, type: ['access', ecsType] });
    expect(ecs.labels).toMatchObject({ response_outcome: outcome, response_action: ACTION[outcome], response_rule: 'rule-1' });
    expect(xsoarIncident(event).name).toContain(`payroll.csv ${xsoarName} by ana@acme.com`);
    const hec = JSON.parse(wireFormatFor('splunk_hec').encode([event]));
    expect(hec.fields).toEqual({ upwatch_action: ACTION[outcome], upwatch_outcome: outcome, upwatch_rule: 'rule-1' });
    expect(hec.event.response.outcome).toBe(outcome);
    expect(JSON.parse(wireFormatFor('native').encode([event])).events[0].response).toEqual(event.response);
  });

  it('covers every outcome', () => {
    expect(RESPONSE_OUTCOMES).toHaveLength(5);
  });

  it('says in words who decided and why: a justification, or the failure mode', () => {
    expect(xsoarIncident(withOutcome('bypassed', { justification: 'Vendor\nneeds it' })).details).toContain(
      'Response: went ahead after a warning by rule rule-1 — justification: Vendor needs it',
    );
    expect(xsoarIncident(withOutcome('allowed', { failure: 'timeout' })).details).toContain('Response: allowed by the failure mode (timeout)');
    expect(ecsDocument(withOutcome('blocked', { failure: 'timeout' })).labels).toMatchObject({ response_failure: 'timeout' });
  });

  it('adds nothing to an event no rule acted on', () => {
    const ocsf = ocsfEvents(base) as Record<string, unknown>[];
    expect(ocsf.every((e) => !('action_id' in e) && !('profiles' in (e.metadata as object)))).toBe(true);
    expect(ecsDocument(base).event).toMatchObject({ action: 'file-upload', type: ['access'] });
    expect(ecsDocument(base).event).not.toHaveProperty('outcome');
    expect(JSON.parse(wireFormatFor('splunk_hec').encode([base]))).not.toHaveProperty('fields');
    expect(xsoarIncident(base).details).not.toContain('Response:');
  });
});
