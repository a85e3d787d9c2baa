// The screen in front of title patterns (title-literals.ts) must never skip a title the pattern matches.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../src/core/destinations/catalog';
import { requiredTitleLiteral } from '../../../src/core/destinations/title-literals';
import { TitleMatcher, compileTitlePattern, testPattern } from '../../../src/core/destinations/title-patterns';
import { DESTINATION_CASES } from './destination-cases';
import { ORDINARY_PAGES } from './page-words-cases';
import { SELF_HOSTED_TITLES } from './self-hosted-titles';

describe('requiredTitleLiteral', () => {
  it.each([
    ['^(?:.+ [-–|·] )?Immich$', 'immich'],
    ['· GitLab$', '· gitlab'],
    ['^Ollama Web ?UI$', 'ollama web'],
    ['\\[TYPO3 CMS(?: \\d)?\\]$', '[typo3 cms'],
    ['^Webmin \\d+ on .+$', 'webmin '],
    ['colou?r chart', 'r chart'],
    ['abc+d', 'abc'],
  ])('%s → %s', (source, literal) => {
    expect(requiredTitleLiteral(source)).toBe(literal);
  });

  it.each(['^(?:Phabricator|Phorge)$', 'foo|barbaz', 'a{2}bcd', '\\x41BCD', '\\u0041bcd', '(unclosed', 'ab'])('gives none for %s', (source) => {
    expect(requiredTitleLiteral(source)).toBeUndefined();
  });
});

describe('the screened matcher', () => {
  const titles = [
    ...DESTINATION_CASES.map((c) => c.title),
    ...Object.values(SELF_HOSTED_TITLES).flatMap((t) => [...t.real, t.lookalike]),
    ...ORDINARY_PAGES.map(([, title]) => title),
  ].filter(Boolean);
  // Case variants, and the two characters case-insensitive matching folds onto ASCII letters.
  const variants = titles.flatMap((t) => [t, t.toUpperCase(), t.replace(/s/g, 'ſ'), t.replace(/k/gi, '\u212a')]);

  it('agrees with running every pattern, on every catalog pattern and title', () => {
    const sources = BUILTIN_CATALOG.services.flatMap((s) => s.titles ?? []);
    for (const source of sources) {
      const compiled = compileTitlePattern(source);
      if (!compiled.ok) throw new Error(compiled.error);
      const screened = new TitleMatcher([{ source, value: true }]);
      for (const title of variants) expect(screened.match(title) ?? false, `${source} on ${title}`).toBe(testPattern(compiled.pattern, title));
    }
  });
});
