// Every test named in docs/guarantees.md exists: the file, and each title given after `›`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { guaranteeTestRefs, sourceHasTitle } from './guarantee-tests.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every *.test.ts of the workspace (packages, examples, scripts), relative to the root. */
function testFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) found.push(path);
    }
  };
  for (const top of ['packages', 'examples', 'scripts']) walk(top);
  return found;
}

describe('docs/guarantees.md', () => {
  const refs = guaranteeTestRefs(readFileSync(join(root, 'docs/guarantees.md'), 'utf8'));
  const all = testFiles();

  test('names tests at all (the parser still reads its tables)', () => {
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => r.title !== undefined).length).toBeGreaterThan(30);
  });

  test('every test file and title it names exists', () => {
    const missing: string[] = [];
    let lastFull: string | undefined;
    for (const ref of refs) {
      let path: string | undefined;
      if (ref.file.includes('/')) {
        path = ref.file;
        lastFull = ref.file;
      } else {
        // A bare name: beside the last full path named, else the one file of that name.
        const beside = lastFull === undefined ? undefined : join(dirname(lastFull), ref.file);
        const byName = all.filter((f) => basename(f) === ref.file);
        path = beside !== undefined && existsSync(join(root, beside)) ? beside : byName.length === 1 ? byName[0] : undefined;
      }
      if (path === undefined || !existsSync(join(root, path))) {
        missing.push(`line ${ref.line}: no test file ${ref.file}`);
        continue;
      }
      if (ref.title !== undefined && !sourceHasTitle(readFileSync(join(root, path), 'utf8'), ref.title)) {
        missing.push(`line ${ref.line}: ${path} has no test titled "${ref.title}"`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('sourceHasTitle', () => {
  const source =
    "test.each(['a', 'b'])('%s answers against a 1 MB line in linear time', () => {});\ntest('kill ends the whole group, including a grandchild', () => {});";
  test('matches a placeholder title, a title cut with …, and refuses one that is not there', () => {
    expect(sourceHasTitle(source, '$pattern answers against a 1 MB line in linear time')).toBe(true);
    expect(sourceHasTitle(source, 'kill ends the whole group…')).toBe(true);
    expect(sourceHasTitle(source, 'kill ends half of the group')).toBe(false);
  });
});
