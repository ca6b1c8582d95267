import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { templates as hi } from './hi.js';
import { templates as ta } from './ta.js';

const SOURCE_DIR = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every message in the client's source, as its id and its English text. */
function messages(): { id: string; english: string; file: string }[] {
  const found: { id: string; english: string; file: string }[] = [];
  for (const file of sourceFiles(SOURCE_DIR)) {
    const text = readFileSync(file, 'utf8');
    const calls = text.match(/\bmsg\(/g)?.length ?? 0;
    let matched = 0;
    for (const [, plain] of text.matchAll(/\bmsg\('([^'\\]*)'\)/g)) {
      found.push({ id: generateMsgId(plain, false), english: plain, file });
      matched++;
    }
    for (const [, template] of text.matchAll(/\bmsg\(str`((?:[^`$]|\$\{[^}]*\})*)`\)/g)) {
      const strings = template.split(/\$\{[^}]*\}/);
      found.push({ id: generateMsgId(strings, false), english: strings.join('{…}'), file });
      matched++;
    }
    // A message this test cannot read (another quote, an html`` one) would go unchecked.
    expect(matched, `msg() calls this test reads in ${file}`).toBe(calls);
  }
  return found;
}

describe('translations', () => {
  const all = messages();

  it('finds the messages', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  for (const [name, templates] of [
    ['hi', hi],
    ['ta', ta],
  ] as const) {
    it(`${name} translates every message`, () => {
      const missing = all.filter((m) => !(m.id in templates)).map((m) => m.english);
      expect(missing).toEqual([]);
    });
  }
});
