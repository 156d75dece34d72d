// Each runtime's entry loads only its own runtime: the static import graph of entries/<rt>.ts,
// followed file by file, never reaches another runtime's spawner or server, and on Bun and Deno
// never node:child_process or node:http. (create-runtime.test.ts checks the conditions pick it.)
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));

/** Every module `file` loads, transitively: relative files (as paths under src/) and bare specifiers. */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(file, 'utf8');
  // Type-only imports are erased: they load nothing at run time.
  const pattern = /^(?:import|export)(?!\s+type\b)[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;
  for (const m of text.matchAll(pattern)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) {
      seen.add(spec);
      continue;
    }
    const path = join(dirname(file), spec);
    const key = relative(src, path);
    if (seen.has(key)) continue;
    seen.add(key);
    importGraph(path, seen);
  }
  return seen;
}

const foreign = {
  node: ['bun.ts', 'deno.ts', 'serve-bun.ts', 'serve-deno.ts'],
  bun: ['node.ts', 'deno.ts', 'serve-node.ts', 'serve-deno.ts', 'node:child_process', 'node:http'],
  deno: ['node.ts', 'bun.ts', 'serve-node.ts', 'serve-bun.ts', 'node:child_process', 'node:http'],
} as const;

describe.each(Object.entries(foreign))('the %s entry', (runtime, forbidden) => {
  const graph = importGraph(join(src, 'entries', `${runtime}.ts`));

  test(`loads its own runtime file and serve-${runtime}.ts`, () => {
    expect(graph).toContain(`${runtime}.ts`);
    expect(graph).toContain(`serve-${runtime}.ts`);
  });

  test('loads nothing of the other runtimes', () => {
    expect([...graph].filter((m) => (forbidden as readonly string[]).includes(m))).toEqual([]);
  });
});

test('the graph walker sees through re-exports (it finds node:child_process from the node entry)', () => {
  expect(importGraph(join(src, 'entries', 'node.ts'))).toContain('node:child_process');
});
