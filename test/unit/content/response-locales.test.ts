// Every string the response dialog asks for exists in every language it ships (_locales), with the
// same placeholders; a missing one would show the bare key to a person.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGE_KEYS } from '../../../src/content/response/dialog-view';

type Messages = Record<string, { message: string; placeholders?: Record<string, unknown> }>;
const dir = join(process.cwd(), 'public/_locales');
const locales = readdirSync(dir);
const load = (locale: string) => JSON.parse(readFileSync(join(dir, locale, 'messages.json'), 'utf8')) as Messages;

describe('_locales', () => {
  it('ships English (the default) and German', () => {
    expect(locales.sort()).toEqual(['de', 'en']);
  });

  it.each(locales)('%s has every dialog string, non-empty, with the placeholders of English', (locale) => {
    const messages = load(locale);
    const english = load('en');
    for (const key of MESSAGE_KEYS) {
      expect(messages[key]?.message, `${locale} ${key}`).toBeTruthy();
      const placeholders = (m: string) => [...m.matchAll(/\$([A-Z_]+)\$/g)].map((x) => x[1]).sort();
      expect(placeholders(messages[key]!.message), `${locale} ${key}`).toEqual(placeholders(english[key]!.message));
    }
    expect(Object.keys(messages).sort()).toEqual([...MESSAGE_KEYS].sort());
  });
});
