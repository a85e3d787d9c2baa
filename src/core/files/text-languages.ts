/**
 * The language detectors of the text analysis: for each language, cheap gate fragments (one must
 * appear before its signals are tried) and the signals, at the start of a line or anywhere.
 */
/** A signal at the start of a line (after indentation), or anywhere. */
export interface Signal {
  at: 'line' | 'any';
  pattern: RegExp;
}
export const line = (pattern: RegExp): Signal => ({ at: 'line', pattern });
export const any = (pattern: RegExp): Signal => ({ at: 'any', pattern });

export interface LanguageRule {
  ext: string;
  /** Lower-case fragments one of which the text must contain before the signals are tried: a cheap gate. */
  gate: string[];
  name: string;
  signals: [label: string, signal: Signal][];
  /** How many distinct signals make the verdict. */
  needs: number;
}

export const LANGUAGES: LanguageRule[] = [
  {
    ext: 'ps1',
    gate: [
      'get-',
      'set-',
      'new-',
      'remove-',
      'invoke-',
      'write-',
      'import-',
      'start-',
      'stop-',
      'add-',
      'out-',
      'test-',
      'convertto-',
      'convertfrom-',
      'param',
      'cmdletbinding',
      '$env:',
      '$psscriptroot',
    ],
    name: 'PowerShell script',
    needs: 2,
    signals: [
      ['param()', line(/param\s*\(/i)],
      ['[CmdletBinding()]', any(/\[CmdletBinding\(/i)],
      ['Verb-Noun cmdlets', any(/\b(?:Get|Set|New|Remove|Invoke|Write|Import|Start|Stop|Add|Out|Test|ConvertTo|ConvertFrom)-[A-Z][A-Za-z]+\b/)],
      ['$variables', any(/\$(?:env:|PSScriptRoot|_\.|true\b|false\b|null\b|[A-Za-z_]\w*\s*=)/)],
      ['-Parameters', any(/\s-(?:ErrorAction|Path|Force|Recurse|Filter|ExecutionPolicy|Uri|OutFile)\b/i)],
    ],
  },
  {
    ext: 'bat',
    gate: ['echo off', 'rem ', 'goto', 'call :', 'setlocal', 'set ', '%~dp0', 'errorlevel', 'exist', '::'],
    name: 'Windows batch script',
    needs: 2,
    signals: [
      ['@echo off', line(/@?echo\s+off\b/i)],
      ['rem comments', line(/(?:rem\s|::)/i)],
      // set NAME=value, set "NAME=value", set /a, set /p: Tcl's and gnuplot's "set name value" has no "=" or switch.
      ['set / setlocal', line(/(?:set\s+(?:\/[ap]\s|"?\w+=)|setlocal\b)/i)],
      ['goto / call :label', line(/(?:goto\s+:?\w+|call\s+:\w+|:\w+\s*$)/i)],
      ['%variables%', any(/%(?:~dp0|\w+%|\d)/)],
      ['if exist / errorlevel', any(/\bif\s+(?:not\s+)?(?:exist|errorlevel|defined)\b/i)],
    ],
  },
  {
    ext: 'vbs',
    gate: ['dim ', 'createobject', 'wscript.', 'on error resume next', 'end sub', 'end function'],
    name: 'VBScript',
    needs: 2,
    signals: [
      ['Dim', line(/Dim\s+\w+/i)],
      ['CreateObject', any(/\bCreateObject\s*\(/i)],
      ['WScript.', any(/\bWScript\.\w+/i)],
      ['On Error Resume Next', any(/\bOn Error Resume Next\b/i)],
      ['End Sub / Function', line(/End\s+(?:Sub|Function|If)\b/i)],
      ['Set x = ', line(/Set\s+\w+\s*=/i)],
    ],
  },
  {
    ext: 'sh',
    gate: ['export ', 'alias ', 'source ', 'fi\n', 'done', 'esac', '${', '$(', 'set -', 'echo ', 'printf '],
    name: 'shell script',
    needs: 3,
    signals: [
      ['export / alias / source', line(/(?:export|alias|source|readonly|local)\s+\w/)],
      ['if [ … ]; then', any(/\bif\s+\[\[?\s.+\]\]?\s*;\s*then\b/)],
      ['fi / done / esac', line(/(?:fi|done|esac)\s*$/)],
      ['${VAR}', any(/\$\{\w+(?:[:#%][^}]*)?\}/)],
      ['$(command)', any(/\$\([a-z]/)],
      ['set -e / -euo', line(/set\s+-[euxo]+/)],
      ['echo / printf', line(/(?:echo|printf)\s/)],
    ],
  },
  {
    ext: 'py',
    gate: ['def ', 'class ', 'import ', '__main__', 'self.', 'print('],
    name: 'Python source',
    needs: 2,
    signals: [
      ['def f(…):', line(/(?:async\s+)?def\s+\w+\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*$/)],
      ['class X:', line(/class\s+\w+(?:\(.*\))?\s*:\s*$/)],
      ['import', line(/(?:from\s+[\w.]+\s+import\s+\w|import\s+[\w.]+(?:\s+as\s+\w+)?\s*$)/)],
      ['__main__', any(/if\s+__name__\s*==\s*['"]__main__['"]/)],
      ['self.', any(/\bself\.\w+/)],
      ['print()', line(/print\(/)],
    ],
  },
  {
    ext: 'php',
    gate: ['<?php'],
    name: 'PHP source',
    needs: 1,
    signals: [['<?php', line(/<\?php\b/)]],
  },
  {
    ext: 'ts',
    gate: ['interface ', 'type ', ': string', ': number', ': boolean', 'import '],
    name: 'TypeScript source',
    needs: 2,
    signals: [
      ['interface / type', line(/(?:export\s+)?(?:interface\s+\w+|type\s+\w+\s*=)/)],
      ['typed parameters', any(/\(\s*\w+\s*:\s*(?:string|number|boolean|unknown|any|\w+\[\])\b/)],
      ['import … from', line(/import\s+(?:type\s+)?[\w{}*,\s]+\s+from\s+['"]/)],
    ],
  },
  {
    ext: 'js',
    gate: ['function', 'const ', 'let ', 'var ', '=>', 'import ', 'export ', 'require(', 'console.'],
    name: 'JavaScript source',
    needs: 2,
    signals: [
      ['function', any(/\bfunction\s*\w*\s*\([^)]*\)\s*\{/)],
      ['const / let', line(/(?:export\s+)?(?:const|let|var)\s+[\w{[]/)],
      ['=>', any(/\)\s*=>\s*[{(\w]/)],
      ['import / export', line(/(?:import\s+[\w{*]|export\s+(?:default|const|function|class)\b)/)],
      ['require()', any(/\brequire\(\s*['"][^'"]+['"]\s*\)/)],
      ['console.log', any(/\bconsole\.\w+\(/)],
    ],
  },
  {
    ext: 'java',
    gate: ['package ', 'import ', 'class ', 'system.out', '@override'],
    name: 'Java source',
    needs: 2,
    signals: [
      ['package x.y;', line(/package\s+[\w.]+;\s*$/)],
      ['import x.y.Z;', line(/import\s+(?:static\s+)?[\w.]+(?:\.\*)?;\s*$/)],
      ['public class', any(/\b(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?(?:class|interface|enum|record)\s+\w+/)],
      ['System.out', any(/\bSystem\.out\.print/)],
      ['@Override / annotations', line(/@(?:Override|Test|Autowired|Entity|Service)\b/)],
    ],
  },
  {
    ext: 'cs',
    gate: ['using system', 'namespace ', 'class ', 'console.write'],
    name: 'C# source',
    needs: 2,
    signals: [
      ['using System', line(/using\s+System(?:\.[\w.]+)?;/)],
      ['namespace', line(/namespace\s+[\w.]+\s*[{;]/)],
      ['public class', any(/\b(?:public|internal|private)\s+(?:static\s+|sealed\s+|partial\s+)*class\s+\w+/)],
      ['Console.', any(/\bConsole\.Write/)],
    ],
  },
  {
    ext: 'c',
    gate: ['#include', '#define', '#ifndef', '#ifdef', '#pragma', 'main(', 'std::', 'printf(', 'malloc(', 'sizeof(', 'struct '],
    name: 'C or C++ source',
    needs: 2,
    signals: [
      ['#include', line(/#\s*include\s*[<"][\w./]+[>"]/)],
      ['#define / #ifndef', line(/#\s*(?:define|ifndef|ifdef|pragma)\s+\w+/)],
      ['int main()', any(/\bint\s+main\s*\(/)],
      ['std:: / printf', any(/\b(?:std::\w+|printf\s*\(|malloc\s*\(|sizeof\s*\()/)],
      ['struct / typedef', line(/(?:typedef\s+)?struct\s+\w*\s*\{/)],
    ],
  },
  {
    ext: 'go',
    gate: ['package ', 'func ', ':=', 'import (', 'import "'],
    name: 'Go source',
    needs: 2,
    signals: [
      ['package x', line(/package\s+\w+\s*$/)],
      ['func', line(/func\s+(?:\([^)]*\)\s*)?\w+\s*\(/)],
      [':=', any(/\w\s*:=\s*\S/)],
      ['import ( … )', line(/import\s+(?:\(|")/)],
    ],
  },
  {
    ext: 'rs',
    gate: ['fn ', 'let mut', 'use ', 'impl', 'println!', 'format!', 'vec!', 'panic!'],
    name: 'Rust source',
    needs: 2,
    signals: [
      ['fn', line(/(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?fn\s+\w+/)],
      ['let mut', any(/\blet\s+mut\s+\w+/)],
      ['use x::y', line(/use\s+\w+::/)],
      ['impl', line(/impl(?:<[^>]*>)?\s+\w+/)],
      ['macros!', any(/\b(?:println|format|vec|panic)!\(/)],
    ],
  },
  {
    ext: 'rb',
    gate: ['def ', 'end', 'require', 'do |', 'puts '],
    name: 'Ruby source',
    needs: 3,
    signals: [
      ['def', line(/def\s+\w+[?!]?(?:\(.*\))?\s*$/)],
      ['end', line(/end\s*$/)],
      ["require '…'", line(/require(?:_relative)?\s+['"]/)],
      ['do |x|', any(/\bdo\s*\|\w+(?:,\s*\w+)*\|/)],
      ['puts', line(/puts\s/)],
    ],
  },
  {
    ext: 'sql',
    gate: ['select', 'create ', 'insert into', 'where', 'join', 'group by', 'order by'],
    name: 'SQL',
    needs: 2,
    signals: [
      ['SELECT … FROM', any(/\bSELECT\b[\s\S]{1,300}?\bFROM\b/i)],
      ['CREATE TABLE / VIEW', any(/\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW|INDEX|PROCEDURE|FUNCTION)\b/i)],
      ['INSERT INTO', any(/\bINSERT\s+INTO\b/i)],
      ['WHERE / JOIN', any(/\b(?:WHERE|INNER\s+JOIN|LEFT\s+JOIN|GROUP\s+BY|ORDER\s+BY)\b/i)],
      ['; line ends', any(/;\s*$/)],
    ],
  },
  {
    ext: 'swift',
    gate: ['import foundation', 'import uikit', 'import swiftui', 'import combine', 'func ', 'guard let'],
    name: 'Swift source',
    needs: 2,
    signals: [
      ['import Foundation / UIKit', line(/import\s+(?:Foundation|UIKit|SwiftUI|Combine)\s*$/)],
      ['func', line(/(?:public\s+|private\s+)?func\s+\w+\s*\(/)],
      ['var x: T / let x: T', line(/(?:var|let)\s+\w+\s*:\s*[A-Z]\w*/)],
      ['guard let', any(/\bguard\s+let\b/)],
    ],
  },
  {
    ext: 'kt',
    gate: ['fun ', 'val ', 'var ', 'package '],
    name: 'Kotlin source',
    needs: 2,
    signals: [
      ['fun', line(/(?:private\s+|override\s+|suspend\s+)*fun\s+\w+\s*\(/)],
      ['val / var', line(/(?:val|var)\s+\w+\s*[:=]/)],
      ['package', line(/package\s+[\w.]+\s*$/)],
    ],
  },
  {
    ext: 'pl',
    gate: ['use strict', 'use warnings', 'my $', 'my @', 'my %', 'my (', 'sub ', 'package '],
    name: 'Perl source',
    needs: 2,
    signals: [
      ['use strict / warnings', line(/use\s+(?:strict|warnings)\b/)],
      ['package X::Y;', line(/package\s+\w+(?:::\w+)+\s*;/)],
      ['my $x', any(/\bmy\s+[$@%(]/)],
      ['sub name {', line(/sub\s+\w+\s*\{/)],
      ['@_ / =~', any(/(?:\bshift\s*;|@_\b|=~\s*[ms]?\/)/)],
    ],
  },
  {
    ext: 'vim',
    gate: ['let g:', 'let s:', 'let b:', 'syn ', 'syntax ', 'hi ', 'highlight ', 'autocmd', 'augroup', 'noremap', 'endfunction', 'endif'],
    name: 'Vim script',
    needs: 3,
    signals: [
      ['" comments', line(/"\s/)],
      ['let g: / s: / b:', line(/let\s+[gsbwtl]:\w/)],
      ['syntax / highlight', line(/(?:syn(?:tax)?\s+(?:keyword|match|region|case|cluster|sync)|hi(?:ghlight)?\s+(?:def(?:ault)?\s+)?link)\s/)],
      ['autocmd / augroup', line(/(?:autocmd|augroup)\b/)],
      ['mappings', line(/(?:[nvxoic]?(?:nore)?map|[nvxoic]noremap)\s+(?:<\w+>\s*)*\S/)],
      ['endif / endfunction', line(/end(?:if|function|for|while|try)\b/)],
    ],
  },
  {
    ext: 'fish',
    gate: ['set -', 'function ', 'complete ', '$argv', 'status '],
    name: 'fish script',
    needs: 2,
    signals: [
      ['set -l / -g / -x', line(/set\s+-[glxUeq]+\s+\w/)],
      // fish declares no parameter list: `function name --description '…'`, never `function name(`.
      ['function name', line(/function\s+[\w-]+(?:\s+--?[\w-]+(?:[ \t]+(?:'[^'\n]*'|"[^"\n]*"|[^\s(-][^\s(]*))?)*[ \t]*$/)],
      ['end', line(/end\s*$/)],
      ['$argv', any(/\$argv\b/)],
      ['complete -c', line(/complete\s+(?:-\w\s+)*-c\s/)],
      ['status is-…', any(/\bstatus\s+(?:--)?is-\w+/)],
    ],
  },
  {
    ext: 'applescript',
    gate: ['tell application', 'end tell', 'display dialog', 'on run', ' to '],
    name: 'AppleScript',
    needs: 2,
    signals: [
      ['tell application', any(/\btell\s+application\s+"/)],
      ['end tell / end if / end repeat', line(/end\s+(?:tell|if|repeat|try|run)\b/)],
      ['set x to', line(/set\s+\w+\s+to\s/)],
      ['on run / on handler', line(/on\s+(?:run|open|\w+\s*\()/)],
      ['display dialog', any(/\bdisplay\s+dialog\b/)],
    ],
  },
];
