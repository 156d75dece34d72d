// Faults and hostile input with real processes: hangs, floods, odd bytes, path escapes, load.
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InvalidJobSpecError } from './errors.ts';
import type { BackgroundExecutor } from './executor.ts';
import { realExecutors } from './real-executors.test-helper.ts';

const { make } = realExecutors();

async function run(executor: BackgroundExecutor, command: string, cwd?: string) {
  const job = executor.submit({ command, ...(cwd ? { cwd } : {}), timeoutMs: 20_000 });
  await executor.wait([job.id]);
  return { job: executor.get(job.id), text: executor.output(job.id, { limit: 1 << 20 }).text };
}

function rssBytes(): number {
  return (globalThis as { process?: { memoryUsage(): { rss: number } } }).process?.memoryUsage().rss ?? 0;
}

describe('no hangs', () => {
  test.each([
    ['cat', 'cat'],
    ['read from a password prompt', 'read -p "Password: " pw; echo "got:$pw"'],
    ['python input()', 'python3 -c "input()" || true'],
  ])('a command that reads stdin (%s) ends at once', async (_name, command) => {
    const { job } = await run(make(), command);
    expect(job.state === 'completed' || job.state === 'failed').toBe(true);
  });

  test('git log does not open a pager and git does not prompt for credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-git-'));
    const { job, text } = await run(
      make(),
      'git init -q . && git -c user.email=a@b -c user.name=t commit -q --allow-empty -m first && git log --oneline && GIT_SSH_COMMAND=false git ls-remote https://127.0.0.1:9/none.git; echo "ls-remote:$?"',
      dir,
    );
    expect(job.state).toBe('completed');
    expect(text).toMatch(/first/);
    expect(text).toMatch(/ls-remote:(?!0)\d+/);
  });
});

describe('floods', () => {
  test('2 GB on stdout keeps head and tail, counts every omitted byte, and host memory stays bounded', async () => {
    const executor = make();
    const before = rssBytes();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes());
    }, 10);
    const { job } = await run(executor, 'head -c 2000000000 /dev/zero; printf END');
    clearInterval(sampler);
    expect(job.output.bytes).toBe(2_000_000_003);
    expect(job.output.omittedBytes).toBe(2_000_000_003 - 2 * 64 * 1024);
    expect(executor.tail(job.id)).toMatch(/END$/);
    expect(peak - before).toBeLessThan(512 * 1024 * 1024);
  });

  test('20 jobs writing 100 MB each at once stay bounded and exact', async () => {
    const executor = make({ maxConcurrent: 20 });
    const before = rssBytes();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes());
    }, 10);
    const ids = Array.from({ length: 20 }, () => executor.submit({ command: 'head -c 100000000 /dev/zero' }).id);
    await executor.wait(ids);
    clearInterval(sampler);
    for (const id of ids)
      expect(executor.get(id).output).toMatchObject({ bytes: 100_000_000, omittedBytes: 100_000_000 - 131_072 });
    expect(peak - before).toBeLessThan(768 * 1024 * 1024);
  });

  test('a 10 MB line without newline gives a bounded notice tail', async () => {
    const executor = make();
    const consumer = executor.bus.consumer('t');
    await run(executor, "head -c 10000000 /dev/zero | tr '\\0' x");
    const [notice] = consumer.pending();
    expect(notice?.outputBytes).toBe(10_000_000);
    expect(notice?.tail.length).toBeLessThanOrEqual(2_000);
    expect(notice?.truncated).toBe(true);
  });
});

describe('cwd confinement', () => {
  function tree() {
    const root = mkdtempSync(join(tmpdir(), 'bgtasks-root-'));
    mkdirSync(join(root, 'src'));
    const outside = mkdtempSync(join(tmpdir(), 'bgtasks-outside-'));
    symlinkSync(outside, join(root, 'escape'));
    return { root, outside };
  }

  test('a cwd inside the root runs there, resolved', async () => {
    const { root } = tree();
    const executor = make({ cwdRoot: root });
    expect((await run(executor, 'pwd', 'src')).text.trim()).toMatch(/\/src$/);
    expect((await run(executor, 'pwd')).text.trim()).toBe(executor.runtime.realPath?.(root));
  });

  test.each(['..', '../..', '/etc', 'escape', 'escape/../..'])('cwd "%s" outside the root is refused', (cwd) => {
    const { root } = tree();
    const executor = make({ cwdRoot: root });
    expect(() => executor.submit({ command: 'pwd', cwd })).toThrow(InvalidJobSpecError);
    expect(() => executor.submit({ command: 'pwd', cwd })).toThrow(/outside the allowed root/);
  });

  test('a cwd that does not exist is refused with its name', () => {
    const { root } = tree();
    expect(() => make({ cwdRoot: root }).submit({ command: 'pwd', cwd: 'nope' })).toThrow(/cwd: "nope" does not exist/);
  });
});

describe('load', () => {
  test('200 jobs submitted at once with cap 4 never run more than 4 at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cap-'));
    const executor = make({ maxConcurrent: 4 });
    const command = `touch ${dir}/$$; ls ${dir} | wc -l; sleep 0.01; rm ${dir}/$$`;
    const ids = Array.from({ length: 200 }, () => executor.submit({ command }).id);
    await executor.wait(ids);
    const counts = ids.map((id) => Number(executor.output(id).text.trim()));
    expect(executor.list().every((j) => j.state === 'completed')).toBe(true);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    expect(Math.max(...counts)).toBeGreaterThan(1);
  }, 60_000);

  test('queued jobs killed before they start never run', async () => {
    const executor = make({ maxConcurrent: 1 });
    const first = executor.submit({ command: 'sleep 0.3' });
    const queued = Array.from({ length: 5 }, () => executor.submit({ command: 'echo ran' }));
    await Promise.all(queued.map((j) => executor.kill(j.id)));
    await executor.wait([first.id]);
    for (const j of queued) expect(executor.get(j.id)).toMatchObject({ state: 'killed', output: { bytes: 0 } });
    expect(executor.get(queued[0]?.id ?? '').pid).toBeUndefined();
  });
});

test('a cwdRoot that does not exist is named in the error', () => {
  const executor = make({ cwdRoot: '/nonexistent-root-bgtasks' });
  expect(() => executor.submit({ command: 'true' })).toThrow('cwdRoot: "/nonexistent-root-bgtasks" does not exist');
});
