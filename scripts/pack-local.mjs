#!/usr/bin/env node
// Until the packages are on npm: build once, then pack every public workspace package into
// ./.packs/<name>.tgz (e.g. .packs/bgtasks-core.tgz), without the version in the file name so the
// install lines in docs/install.md stay true across releases. `npm pack` alone would run each
// package's prepack (a second compile); this packs with --ignore-scripts after one build.
//   npm run pack:local               build, then pack into ./.packs
//   node scripts/pack-local.mjs --no-build [--dest DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspaceDirs } from './package-layout.mjs';

const root = new URL('..', import.meta.url).pathname;

/** The public workspace packages: `{ name, dir, pkg }`, in workspace order. */
export function publicPackages() {
  return workspaceDirs()
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ name: pkg.name, dir, pkg }));
}

/** `@bgtasks/core` -> `bgtasks-core.tgz` */
export function tarballName(name) {
  return `${name.replace(/^@/, '').replace('/', '-')}.tgz`;
}

/**
 * Packs every public package into `dest` (already built: no prepack). Returns, per package,
 * `{ name, dir, pkg, file, size, unpacked, files }` (files: the paths inside the tarball).
 */
export function packAll(dest, env = process.env) {
  mkdirSync(dest, { recursive: true });
  return publicPackages().map((p) => {
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
      cwd: p.dir,
      env,
    });
    const [info] = JSON.parse(out.toString());
    const file = join(dest, tarballName(p.name));
    rmSync(file, { force: true });
    renameSync(join(dest, info.filename), file);
    return { ...p, file, size: info.size, unpacked: info.unpackedSize, files: info.files.map((f) => f.path) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const destFlag = args.indexOf('--dest');
  const dest = resolve(destFlag >= 0 ? args[destFlag + 1] : join(root, '.packs'));
  if (!args.includes('--no-build')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const packed = packAll(dest);
  for (const p of packed) console.log(`${p.file}  ${(p.size / 1024).toFixed(1)} kB`);
  console.log(`\n${packed.length} packages in ${dest}. Install from a project of yours, e.g.:`);
  console.log(`  npm install ${dest}/*.tgz`);
}
