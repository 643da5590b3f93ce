import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Issue 13: two package READMEs fell back to `'x'.repeat(32)` when
 * NTPASS_SECRET was unset, and copied code ships its fallback. No README,
 * example, script or benchmark may carry a fallback or literal engine secret.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'test', 'coverage']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(md|ts|mts|mjs|js|sh)$/.test(entry.name) ? [path] : [];
  });
}

// A fallback anywhere; a literal in what people copy (READMEs and examples). Tests and the
// testkit's harnesses hold literal test secrets by design.
const FALLBACK: readonly [string, RegExp] = ['a fallback secret', /SECRET['"\]]*\s*(\?\?|\|\|)\s*(['"`][^'"`\n]+['"`]|['"`].['"`]\.repeat\()/i];
const LITERAL: readonly [string, RegExp] = ['a literal secret', /\bsecret\s*[:=]\s*(['"`][^'"`\n]{8,}['"`]|['"`].['"`]\.repeat\()/i];

function patternsFor(file: string): readonly (readonly [string, RegExp])[] {
  const path = relative(ROOT, file);
  return file.endsWith('.md') || path.startsWith('examples') ? [FALLBACK, LITERAL] : [FALLBACK];
}

describe('no fallback secrets', () => {
  it('no README, example, script or benchmark carries a fallback or literal engine secret', () => {
    const found: string[] = [];
    for (const file of files(ROOT)) {
      // The test secret itself is public by design, and says so.
      if (file.endsWith(join('testing', 'test-secret.ts'))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [what, pattern] of patternsFor(file)) if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
