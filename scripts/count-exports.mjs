#!/usr/bin/env node
// Counts the exported names (values and types) of every export subpath of every workspace package,
// with the TypeScript checker on the sources: node scripts/count-exports.mjs [repo root]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const dirs = [...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)), join(root, 'examples/agent')];
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const out = [];
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    let t = target;
    while (typeof t === 'object') t = t['@bgtasks/source'] ?? t.types ?? t.node ?? t.default;
    if (typeof t === 'object') t = t.node ?? t.default;
    const file = join(dir, t.replace('/dist/', '/src/').replace(/\.d\.ts$|\.js$/, '.ts'));
    if (!existsSync(file)) {
      out.push(`${sub}=?`);
      continue;
    }
    const program = ts.createProgram([file], {
      allowImportingTsExtensions: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      skipLibCheck: true,
      customConditions: ['@bgtasks/source'],
    });
    const checker = program.getTypeChecker();
    const sym = checker.getSymbolAtLocation(program.getSourceFile(file));
    out.push(`${sub}=${sym ? checker.getExportsOfModule(sym).length : 0}`);
  }
  console.log(`${pkg.name}\t${out.join(' ')}`);
}
