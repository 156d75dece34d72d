// The temporary copy of the repository that W8's jobs run in: a `git clone --shared` of HEAD (no
// object is copied; nothing is fetched), removed when done. Node APIs, so it lives with the bins.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A copy of the repository at `root`, checked out at its HEAD commit, in a new temp directory. */
export function makeRepoCopy(root: string): { dir: string; commit: string } {
  const commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'bgtasks-w8-'));
  try {
    execFileSync('git', ['clone', '--quiet', '--shared', '--no-checkout', root, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('git', ['-C', dir, 'checkout', '--quiet', '--detach', commit], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    removeRepoCopy(dir);
    throw error;
  }
  return { dir, commit };
}

/**
 * Removes the copy (its node_modules included). Retried: a job killed a moment ago may still be
 * writing into it.
 */
export function removeRepoCopy(dir: string): void {
  for (let attempt = 0; attempt < 3 && existsSync(dir); attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // tried again below
    }
  }
}
