/**
 * Language rules for languages whose files the text analysis read as prose and the content model
 * has no label for or misreads (issue 16, the development half of bench/intelligence-files):
 * Gherkin (behaviour specifications, read as Markdown), GraphQL schemas and queries, and Smalltalk
 * (file-outs and GNU Smalltalk classes, read as TSV or reStructuredText). Each needs two or three
 * signals of its own syntax, so prose that names a keyword is not enough.
 */
import { any, line, type LanguageRule } from './text-languages';

export const MORE_LANGUAGES: LanguageRule[] = [
  {
    ext: 'feature',
    gate: ['feature:', 'scenario'],
    name: 'Gherkin specification',
    needs: 3,
    signals: [
      ['Feature:', line(/Feature:/)],
      ['Scenario: / Background: / Examples:', line(/(?:Scenario(?: Outline| Template)?|Background|Examples|Rule):/)],
      ['Given / When / Then steps', line(/(?:Given|When|Then) \S/)],
    ],
  },
  {
    ext: 'graphql',
    gate: ['type ', 'schema', 'query', 'mutation', 'fragment', 'input ', 'interface ', 'enum ', 'scalar ', 'directive @'],
    name: 'GraphQL',
    needs: 2,
    signals: [
      ['type X {', line(/(?:extend\s+)?type [A-Z]\w*(?: implements [\w&\s]+)?\s*\{/)],
      ['schema {', line(/schema\s*\{/)],
      ['operations and fragments', line(/(?:query|mutation|subscription)\b[^\n{=;(]*(?:\([^)]*\))?\s*\{\s*$|fragment \w+ on [A-Z]\w*/)],
      ['input / interface / enum X {', line(/(?:input|interface|enum) [A-Z]\w*(?: implements [\w&\s]+)?\s*\{/)],
      ['scalar / union / directive', line(/scalar [A-Z]\w*|union [A-Z]\w* =|directive @\w+/)],
      ['field: Type', line(/\w+(?:\([^)\n]*\))?:\s*\[?[A-Z]\w*!?\]?!?\s*$/)],
    ],
  },
  {
    ext: 'st',
    gate: ['subclass:', 'methodsfor:', 'instancevariablenames:', 'iftrue:', 'iffalse:', 'do: ['],
    name: 'Smalltalk source',
    needs: 2,
    signals: [
      ['X subclass: #Y', any(/\bsubclass: #?[A-Z]\w*/)],
      ["instanceVariableNames: '…'", any(/\b(?:instanceVariableNames|classVariableNames|poolDictionaries): '/)],
      ["methodsFor: '…'", any(/\bmethodsFor: '/)],
      ['ifTrue: [ / do: [', any(/\b(?:ifTrue|ifFalse|whileTrue|do|collect|select|inject): \[/)],
      ['[:x | …]', any(/\[\s*:\w+\s*(?::\w+\s*)*\|/)],
      ['^ self', any(/\^\s*self\b/)],
    ],
  },
];
