#!/usr/bin/env node
// After `turbo run build`: link the workspace bins (bgtasks-agent, -mcp, -sim, -worker) into
// node_modules/.bin. npm links a workspace's bin at install time only if its target exists, and the
// targets are dist/*.js, built after `npm ci`; `npm rebuild --ignore-scripts` links them now.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceDirs } from './package-layout.mjs';

const root = new URL('..', import.meta.url).pathname;
const withBins = workspaceDirs()
  .map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')))
  .filter((pkg) => pkg.bin)
  .map((pkg) => pkg.name);
execFileSync('npm', ['rebuild', '--ignore-scripts', '--silent', ...withBins], { cwd: root, stdio: 'inherit' });
