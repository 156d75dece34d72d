// The file access behind full job logs, on whichever runtime runs the suite: a log file is
// created, never reused, and a symlink planted at its path is never followed.
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '@bgtasks/runtime';
import { afterAll, describe, expect, test } from 'vitest';
import { createVirtualRuntime } from './virtual.ts';

const dir = mkdtempSync(join(tmpdir(), 'bgtasks-files-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('full-log files', () => {
  test('a symlink planted at a log path is never followed: the open fails and its target is untouched', async () => {
    const files = createRuntime().files;
    if (!files) throw new Error('this runtime has no files');
    const target = join(dir, 'precious');
    writeFileSync(target, 'precious');
    const planted = join(dir, 'job.bgt-planted.log');
    symlinkSync(target, planted);
    await expect(files.append(planted)).rejects.toThrow(/EEXIST|ELOOP/);
    // A dangling link would have created its target through 'w'.
    const nowhere = join(dir, 'created-through-a-link');
    const dangling = join(dir, 'job.bgt-dangling.log');
    symlinkSync(nowhere, dangling);
    await expect(files.append(dangling)).rejects.toThrow(/EEXIST|ELOOP/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(existsSync(nowhere)).toBe(false);
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
  });

  test('a log file is created owner-only and an existing file is never reused', async () => {
    const files = createRuntime().files;
    if (!files) throw new Error('this runtime has no files');
    const path = join(dir, 'job.bgt-fresh.log');
    const sink = await files.append(path);
    await sink.write(new TextEncoder().encode('one\n'));
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe('one\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(files.append(path)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('one\n');
    const virtual = createVirtualRuntime().files;
    await virtual?.append('/v/log');
    await expect(virtual?.append('/v/log')).rejects.toThrow(/EEXIST/);
  });
});
