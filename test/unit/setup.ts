import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

beforeEach(() => {
  fakeBrowser.reset();
  // WXT's fake has no downloads list: a browser that has downloaded nothing (tests that need one mock it).
  fakeBrowser.downloads.search = () => Promise.resolve([]);
});
