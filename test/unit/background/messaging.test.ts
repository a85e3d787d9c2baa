import { describe, expect, it, vi } from 'vitest';
import { createMessageRouter } from '../../../src/background/messaging';

const upload = {
  type: 'upload/observed',
  actionId: 'a1',
  channel: 'file_picker',
  trustedEvent: true,
  files: [{ name: 'a.pdf', size: 1, mimeType: '', headBase64: '' }],
};

function router() {
  const content = {
    'upload/sent': vi.fn(async () => 'sent'),
    'upload/observed': vi.fn(async () => 'content-ok'),
    'upload/heads': vi.fn(async () => 'heads'),
    'response/plan': vi.fn(async () => 'plan'),
    'upload/outcome': vi.fn(async () => 'outcome'),
    'frames/observe': vi.fn(async () => 'frames'),
  };
  const page = {
    'popup/seen': vi.fn(async () => 'seen-ok'),
    'popup/get-state': vi.fn(async () => 'state'),
    'options/get-state': vi.fn(async () => 'options'),
    'options/requeue-dead-letters': vi.fn(async () => 'requeued'),
  };
  const warn = vi.fn();
  const route = createMessageRouter({ extensionId: 'ext', extensionOrigin: 'chrome-extension://ext/', content, page, warn });
  return { route, content, page, warn };
}

const tabSender = { id: 'ext', tab: { url: 'https://www.dropbox.com/', title: 'Dropbox' }, frameId: 0, url: 'https://www.dropbox.com/' };
const popupSender = { id: 'ext', url: 'chrome-extension://ext/popup.html' };

describe('the message router', () => {
  it('delivers a content message from a tab', async () => {
    const r = router();
    await expect(r.route(upload, tabSender)).resolves.toBe('content-ok');
  });

  it('delivers the response messages from a tab, and never from an extension page', async () => {
    const r = router();
    await expect(r.route({ type: 'response/plan' }, tabSender)).resolves.toBe('plan');
    await expect(r.route({ type: 'upload/outcome', decisionId: 'a1', outcome: 'warned' }, tabSender)).resolves.toBe('outcome');
    expect(r.route({ type: 'upload/outcome', decisionId: 'a1', outcome: 'shrugged' }, tabSender)).toBeUndefined();
    expect(r.route({ type: 'response/plan' }, popupSender)).toBeUndefined();
    expect(r.content['upload/outcome']).toHaveBeenCalledTimes(1);
  });

  it('delivers a page message from an extension page', async () => {
    const r = router();
    await expect(r.route({ type: 'popup/seen' }, popupSender)).resolves.toBe('seen-ok');
  });

  it('never lets a content script reach a page handler', () => {
    const r = router();
    expect(r.route({ type: 'popup/seen' }, tabSender)).toBeUndefined();
    expect(r.route({ type: 'popup/get-state' }, tabSender)).toBeUndefined();
    expect(r.page['popup/seen']).not.toHaveBeenCalled();
    expect(r.warn).toHaveBeenCalled();
  });

  it('never lets an extension page inject uploads', () => {
    const r = router();
    expect(r.route(upload, popupSender)).toBeUndefined();
    expect(r.content['upload/observed']).not.toHaveBeenCalled();
  });

  it.each([
    ['another extension', { ...tabSender, id: 'other' }],
    ['no sender id', { tab: tabSender.tab }],
  ])('ignores messages from %s', (_why, sender) => {
    const r = router();
    expect(r.route(upload, sender)).toBeUndefined();
    expect(r.content['upload/observed']).not.toHaveBeenCalled();
  });

  it.each([
    [{ ...upload, files: [] }],
    [{ ...upload, channel: 'telepathy' }],
    [{ ...upload, files: [{ name: 'a', size: -1, mimeType: '', headBase64: '' }] }],
    [{ ...upload, files: [{ name: 'a', size: 1, mimeType: '', headBase64: '<script>' }] }],
    [{ type: 'unknown' }],
    [null],
    ['upload/observed'],
  ])('drops malformed messages without throwing: %j', (message) => {
    const r = router();
    expect(() => r.route(message, tabSender)).not.toThrow();
    expect(r.route(message, tabSender)).toBeUndefined();
    expect(r.content['upload/observed']).not.toHaveBeenCalled();
  });
});
