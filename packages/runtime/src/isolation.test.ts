// The optional isolation boundary: with `isolation: { uid }` a job runs as another user and can
// no longer read the host's environment through /proc, which scrubbing alone cannot prevent.
// Needs a root host (as in CI containers); skipped otherwise.
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { taggedGone } from './fixtures/tagged.ts';

const isRoot = process.getuid?.() === 0;
const runtime = createRuntime();
const probe = `id -u; if cat /proc/$PPID/environ >/dev/null 2>&1; then echo host-env-readable; else echo host-env-denied; fi`;

async function run(executor: BackgroundExecutor, command: string): Promise<string> {
  const job = executor.submit({ command });
  await executor.wait([job.id]);
  const text = executor.output(job.id).text;
  await executor.close();
  return text;
}

describe.skipIf(!isRoot)('isolation (root host)', () => {
  test('without isolation a job reads the host environment through /proc: scrubbing is not a boundary', async () => {
    expect(await run(new BackgroundExecutor(runtime), probe)).toBe('0\nhost-env-readable\n');
  });

  test("with isolation { uid: 65534 } the job runs as that user and cannot read the host's environment", async () => {
    const executor = new BackgroundExecutor(runtime, { isolation: { uid: 65534 }, cwdRoot: '/tmp' });
    expect(await run(executor, `${probe}; echo "it's quoted"`)).toBe("65534\nhost-env-denied\nit's quoted\n");
  });

  test('an isolated job is still killed with everything it started', async () => {
    const executor = new BackgroundExecutor(runtime, { isolation: { uid: 65534 }, cwdRoot: '/tmp', killGraceMs: 200 });
    const tag = `isolated-${process.pid}-${Date.now()}`;
    const job = executor.submit({
      command: `trap '' TERM; setsid sleep 300 & echo started; sleep 300`,
      env: { BGTASKS_ESCAPE_TEST: tag },
    });
    while (!executor.output(job.id).text.includes('started')) await runtime.sleep(20);
    expect(await executor.kill(job.id)).toMatchObject({ state: 'killed', forced: true });
    expect(await taggedGone('BGTASKS_ESCAPE_TEST', tag)).toEqual([]);
    await executor.close();
  });
});

test('an invalid isolation user is refused', () => {
  expect(() => new BackgroundExecutor(runtime, { isolation: { uid: -1 } })).toThrow(
    /isolation: uid and gid must be whole numbers/,
  );
});
