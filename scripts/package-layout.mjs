#!/usr/bin/env node
// The shipped layout of every workspace package, checked (CI) or applied (a package written in the
// old layout, exports to src/*.ts). Usage:
//   node scripts/package-layout.mjs check            every package; exits 1 listing what is off
//   node scripts/package-layout.mjs fix packages/x   converts one package in place (idempotent)
//
// The layout: each export is { "@bgtasks/source": src/*.ts, types: dist/*.d.ts, default: dist/*.js } (the
// runtime package keeps bun/deno/node picking each runtime's own file, under source and dist
// alike); "@bgtasks/source" is our own condition, turned on inside the repo (vitest, tsconfig, --conditions)
// so tests and scripts run the sources without a build. A user's runtime never sets it.
// `files` ships dist, README.md, LICENSE (+ data dirs a package names); bins point at dist;
// a tsconfig.build.json emits dist with rewritten .ts imports; prepack builds.
//
// Converting a package written in the old layout (the steps, in order):
//   1. node scripts/package-layout.mjs fix packages/<name>   (package.json, tsconfig.build.json,
//      jsr.json, LICENSE; a bin ./src/x.ts or ./bin/*.mjs becomes ./dist/x.js or ./dist/bin.js)
//   2. frameworks it adapts to: dependencies -> peerDependencies with a range; the root keeps an
//      exact devDependency; npm install
//   3. helpers only siblings use: src/internal/index.ts, "./internal": "./src/internal/index.ts"
//      in exports, then step 1 again
//   4. tests or bins that spawn a .ts source: add --conditions=@bgtasks/source (node, bun, deno);
//      tsx only for Node and only from sources
//   5. npm run lint, npm run typecheck, npm run test:tarballs (finds the package by itself)
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const RUNTIME_KEYS = ['bun', 'deno', 'node'];
// Scoped, so no other project's own "source" condition ever picks our (unshipped) src/*.ts.
const SOURCE = '@bgtasks/source';

const BUILD_TSCONFIG = {
  extends: './tsconfig.json',
  compilerOptions: {
    noEmit: false,
    declaration: true,
    rewriteRelativeImportExtensions: true,
    outDir: 'dist',
    rootDir: 'src',
    // Siblings resolve to their built dist/*.d.ts here, never to their sources.
    customConditions: [],
  },
  include: ['src'],
  exclude: ['src/**/*.test.ts', 'src/**/fixtures', 'src/**/*.test-helper.ts'],
};

/** Every workspace package directory (packages/* and examples/*). */
export function workspaceDirs() {
  const dirs = [];
  for (const group of ['packages', 'examples']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      if (existsSync(join(base, name, 'package.json'))) dirs.push(join(base, name));
    }
  }
  return dirs;
}

const srcOf = (target) => target.replace(/^\.\/dist\//, './src/').replace(/\.d\.ts$|\.js$/, '.ts');
const distJs = (src) => src.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '.js');
const distDts = (src) => src.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '.d.ts');

/** The source file(s) an old or new export entry names: { default, bun?, deno?, node? }. */
function sourcesOf(entry) {
  if (typeof entry === 'string') return { default: srcOf(entry) };
  if (entry[SOURCE] !== undefined) return typeof entry[SOURCE] === 'string' ? { default: entry[SOURCE] } : { ...entry[SOURCE] };
  const out = { default: srcOf(entry.default ?? entry.node ?? entry.import ?? entry.types) };
  for (const key of RUNTIME_KEYS) {
    if (typeof entry[key] === 'string' && srcOf(entry[key]) !== out.default) out[key] = srcOf(entry[key]);
  }
  return out;
}

/** The export entry in the shipped layout for these sources. Key order matters: first match wins. */
function entryFor(sources) {
  const perRuntime = RUNTIME_KEYS.filter((k) => sources[k] !== undefined);
  if (perRuntime.length === 0) {
    return { [SOURCE]: sources.default, types: distDts(sources.default), default: distJs(sources.default) };
  }
  const source = {};
  for (const k of perRuntime) source[k] = sources[k];
  source.default = sources.default;
  const entry = { [SOURCE]: source, types: distDts(sources.node ?? sources.default) };
  for (const k of RUNTIME_KEYS) entry[k] = distJs(sources[k] ?? sources.default);
  entry.default = distJs(sources.default);
  return entry;
}

function read(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** The package.json of `dir` in the shipped layout. */
export function converted(dir) {
  const pkg = read(dir);
  const exportsMap = {};
  for (const [sub, entry] of Object.entries(pkg.exports ?? {})) exportsMap[sub] = entryFor(sourcesOf(entry));
  const main = exportsMap['.'];
  const extraFiles = (pkg.files ?? []).filter(
    (f) => !['src', 'dist', 'bin', 'README.md', 'LICENSE'].includes(f) && !f.startsWith('!src') && !f.startsWith('!dist'),
  );
  const bin =
    pkg.bin === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(pkg.bin).map(([name, file]) => [
            name,
            file.startsWith('./bin/') ? './dist/bin.js' : distJs(srcOf(file)),
          ]),
        );
  const out = {};
  for (const [key, value] of Object.entries(pkg)) {
    if (['exports', 'types', 'main', 'files', 'bin', 'scripts'].includes(key)) continue;
    out[key] = value;
    if (key === 'license') {
      out.exports = exportsMap;
      if (main) out.types = main.types;
      if (bin) out.bin = bin;
      out.files = ['dist', ...extraFiles, 'README.md', 'LICENSE'];
      out.scripts = {
        ...pkg.scripts,
        build: 'tsc -p tsconfig.build.json',
        prepack: 'tsc -p tsconfig.build.json',
      };
    }
  }
  if (!('license' in pkg)) throw new Error(`${dir}/package.json: add "license" (the layout is written after it)`);
  return out;
}

/** What is wrong with `dir` compared with the layout: a list of sentences. */
export function problems(dir) {
  const found = [];
  const pkg = read(dir);
  const want = converted(dir);
  const name = relative(root, dir);
  for (const key of ['exports', 'types', 'files', 'bin']) {
    if (JSON.stringify(pkg[key]) !== JSON.stringify(want[key]))
      found.push(`${name}: package.json "${key}" is not the dist layout`);
  }
  for (const key of ['build', 'prepack']) {
    if (pkg.scripts?.[key] !== want.scripts[key]) found.push(`${name}: scripts.${key} should be "${want.scripts[key]}"`);
  }
  if (!existsSync(join(dir, 'tsconfig.build.json'))) found.push(`${name}: tsconfig.build.json is missing`);
  if (!existsSync(join(dir, 'LICENSE'))) found.push(`${name}: LICENSE is missing`);
  if (!pkg.private && !existsSync(join(dir, 'jsr.json'))) found.push(`${name}: jsr.json is missing`);
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep === '@anthropic-ai/sdk' && !pkg.private && !pkg.bin) {
      found.push(`${name}: ${dep} must be a peerDependency with a range, not a dependency (${range})`);
    }
  }
  return found;
}

/** The jsr.json of a package: its exports as source files (JSR publishes TypeScript). */
function jsrJson(pkg) {
  const exportsMap = {};
  for (const [sub, entry] of Object.entries(pkg.exports)) {
    const s = sourcesOf(entry);
    exportsMap[sub] = s.deno ?? s.default;
  }
  return {
    name: pkg.name,
    version: pkg.version,
    license: pkg.license,
    exports: exportsMap,
    publish: { include: ['src', 'README.md', 'LICENSE'], exclude: ['src/**/*.test.ts', 'src/**/fixtures'] },
  };
}

function fix(dir) {
  const pkg = converted(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, 'tsconfig.build.json'), `${JSON.stringify(BUILD_TSCONFIG, null, 2)}\n`);
  if (!existsSync(join(dir, 'LICENSE'))) copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  if (!pkg.private) writeFileSync(join(dir, 'jsr.json'), `${JSON.stringify(jsrJson(pkg), null, 2)}\n`);
  console.log(`${relative(root, dir)}: converted (check peerDependencies and the internal subpath by hand)`);
}

const main = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const [mode, ...dirs] = main ? process.argv.slice(2) : [];
if (mode === 'fix') {
  if (dirs.length === 0) throw new Error('usage: node scripts/package-layout.mjs fix packages/<name> ...');
  for (const d of dirs) fix(join(process.cwd(), d));
} else if (mode === 'check') {
  const all = workspaceDirs().flatMap(problems);
  for (const p of all) console.error(p);
  if (all.length > 0) process.exit(1);
  console.log(`package layout: ${workspaceDirs().length} packages ok`);
} else if (mode !== undefined) {
  console.error(`unknown mode "${mode}": use check or fix <dir>...`);
  process.exit(2);
}
