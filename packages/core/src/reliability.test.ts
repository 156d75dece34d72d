// Reliability round 2 in core: durations past the timer limit, retention of ended jobs, secret
// scrubbing by name and value, validated env keys, cwd checked again at start, no redelivery
// after close. Real processes where the runtime is the subject, virtual time where time is.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '@bgtasks/runtime';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { afterEach, describe, expect, test } from 'vitest';
import { checkDuration, MAX_TIMER_MS } from './duration.ts';
import { AbortedError, InvalidDurationError, InvalidJobSpecError, JobDroppedError, UnknownJobError } from './errors.ts';
import { BackgroundExecutor, type ExecutorOptions } from './executor.ts';
import { NotificationBus } from './notification-bus.ts';

function heapBytes(): number {
  const usage = (
    globalThis as { process?: { memoryUsage(): { heapUsed: number; arrayBuffers?: number } } }
  ).process?.memoryUsage();
  return usage ? usage.heapUsed + (usage.arrayBuffers ?? 0) : 0;
}

const executors: BackgroundExecutor[] = [];
function real(options: ExecutorOptions = {}, runtime = createRuntime()) {
  const executor = new BackgroundExecutor(runtime, { killGraceMs: 200, ...options });
  executors.push(executor);
  return executor;
}
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
});

describe('durations', () => {
  test('timeoutMs: 3e9 (past the 2^31-1 ms timer limit) runs the job instead of timing it out at once', async () => {
    const executor = real();
    const job = executor.submit({ command: 'sleep 0.3; echo ran', timeoutMs: 3e9 });
    await executor.wait([job.id]);
    expect(executor.get(job.id)).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(executor.output(job.id).text).toBe('ran\n');
  });

  test('timeoutMs: Infinity means no timeout, and defaultTimeoutMs: Infinity too', async () => {
    const executor = real({ defaultTimeoutMs: Number.POSITIVE_INFINITY });
    const a = executor.submit({ command: 'sleep 0.2', timeoutMs: Number.POSITIVE_INFINITY });
    const b = executor.submit({ command: 'sleep 0.2' });
    await executor.wait([a.id, b.id]);
    expect(executor.list().map((j) => j.state)).toEqual(['completed', 'completed']);
  });

  test('wait(..., { timeoutMs: 3e9 }) waits for the job rather than returning at once', async () => {
    const executor = real();
    const job = executor.submit({ command: 'sleep 0.3' });
    const result = await executor.wait([job.id], { timeoutMs: 3e9 });
    expect(result).toMatchObject({ timedOut: false, pending: [] });
  });

  test('killGraceMs: 3e9 does not SIGKILL at once: a TERM-ignoring job is still running after the SIGTERM', async () => {
    const executor = real({ killGraceMs: 3e9 });
    const job = executor.submit({ command: `trap '' TERM; echo ready; sleep 300` });
    while (!executor.output(job.id).text.includes('ready')) await new Promise((r) => setTimeout(r, 20));
    const killing = executor.kill(job.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(executor.get(job.id).state).toBe('running');
    // A shorter grace (what shutdown does) moves the SIGKILL closer.
    await executor.close({ killGraceMs: 50 });
    expect(await killing).toMatchObject({ state: 'killed', forced: true });
  });

  test("the runtime's sleep waits past 2^31-1 ms in chunks, and Infinity until aborted", async () => {
    const runtime = createRuntime();
    for (const ms of [MAX_TIMER_MS + 1, 3e9, Number.POSITIVE_INFINITY]) {
      const stop = new AbortController();
      const slept = runtime.sleep(ms, stop.signal).then(
        () => 'resolved',
        (e) => (AbortedError.isInstance(e) ? 'aborted' : 'other'),
      );
      await new Promise((r) => setTimeout(r, 50));
      stop.abort();
      expect(await slept).toBe('aborted');
    }
  });

  test.each([Number.NaN, -1, '10'])('%s as a duration is an InvalidDurationError, never a hot loop', async (value) => {
    const runtime = createRuntime();
    await expect(runtime.sleep(value as number)).rejects.toSatisfy(InvalidDurationError.isInstance);
    expect(() => new BackgroundExecutor(runtime, { killGraceMs: value as number })).toThrow(/killGraceMs: must be/);
    expect(() => new BackgroundExecutor(runtime, { defaultTimeoutMs: value as number })).toThrow(InvalidJobSpecError);
    const executor = real({}, runtime);
    const job = executor.submit({ command: 'true' });
    await expect(executor.wait([job.id], { timeoutMs: value as number })).rejects.toThrow(/timeoutMs: must be/);
    expect(() => executor.submit({ command: 'true', timeoutMs: value as number })).toThrow(/timeoutMs/);
  });

  test('checkDuration says what is valid', () => {
    expect(checkDuration('x', 5)).toBe(5);
    expect(() => checkDuration('killGraceMs', Number.POSITIVE_INFINITY)).toThrow(
      'invalid duration: killGraceMs: must be a number of milliseconds greater than 0, got Infinity',
    );
    expect(() => checkDuration('wait', -1, { zero: true, infinite: true })).toThrow(
      'wait: must be a number of milliseconds, 0 or more or Infinity for no limit, got -1',
    );
  });
});

describe('retention', () => {
  test('ended jobs beyond retainJobs are dropped with their output and notice; get says so', async () => {
    const runtime = createVirtualRuntime({ script: (cmd) => ({ durationMs: 10, stdout: `${cmd}\n` }) });
    const executor = new BackgroundExecutor(runtime, { retainJobs: 3, maxConcurrent: 1 });
    const ids = Array.from({ length: 10 }, (_, i) => executor.submit({ command: `job${i}`, id: `j${i}` }).id);
    await executor.wait(ids.slice(-1));
    await executor.wait([]);
    expect(executor.list().map((j) => j.id)).toEqual(['j7', 'j8', 'j9']);
    expect(executor.bus.history().map((n) => n.jobId)).toEqual(['j7', 'j8', 'j9']);
    expect(() => executor.get('j0')).toThrow(JobDroppedError);
    expect(() => executor.get('j0')).toThrow(/job "j0" ended and was dropped \(retainJobs 3/);
    expect(() => executor.output('j0')).toSatisfy((f: () => unknown) => {
      try {
        f();
        return false;
      } catch (e) {
        return UnknownJobError.isInstance(e) && JobDroppedError.isInstance(e);
      }
    });
    expect(() => executor.get('never')).toThrow(/unknown job id "never"/);
    // The id of a dropped job is free again.
    expect(executor.submit({ command: 'again', id: 'j0' }).id).toBe('j0');
  });

  test('a job whose notice a consumer has not received yet is kept until it has', async () => {
    const runtime = createVirtualRuntime({ script: () => ({ durationMs: 10 }) });
    const executor = new BackgroundExecutor(runtime, { retainJobs: 1, maxConcurrent: 1 });
    const model = executor.bus.consumer('model');
    const ids = ['a', 'b', 'c'].map((id) => executor.submit({ command: 'x', id }).id);
    await executor.wait(ids);
    expect(executor.list().map((j) => j.id)).toEqual(['a', 'b', 'c']);
    const lease = model.lease();
    model.ack(lease);
    expect(executor.list().map((j) => j.id)).toEqual(['c']);
  });

  test('a consumer far behind does not make each ending job look at every kept one', async () => {
    const runtime = createVirtualRuntime({ script: () => ({ durationMs: 1 }), idleTurn: 'immediate' });
    const executor = new BackgroundExecutor(runtime, { retainJobs: 10, maxConcurrent: 50 });
    const late = executor.bus.consumer('late');
    let asked = 0;
    const holds = executor.bus.holds.bind(executor.bus);
    executor.bus.holds = (id: string) => {
      asked++;
      return holds(id);
    };
    const ids = Array.from({ length: 2000 }, () => executor.submit({ command: 'x' }).id);
    await executor.wait(ids);
    // Every notice is still held: all 2000 jobs are kept, and each end asked about one job at most.
    expect(executor.list()).toHaveLength(2000);
    expect(asked).toBeLessThanOrEqual(2 * 2000);
    // Once the consumer has read them, they go down to retainJobs.
    for (let i = 0; i < 2000; i++) await late.next();
    executor.submit({ command: 'x' });
    await executor.wait([]);
    expect(executor.list().length).toBeLessThanOrEqual(11);
  });

  test('retainMs drops ended jobs by age', async () => {
    const runtime = createVirtualRuntime({ script: () => ({ durationMs: 10 }) });
    const executor = new BackgroundExecutor(runtime, { retainMs: 60_000 });
    const job = executor.submit({ command: 'x' });
    await executor.wait([job.id]);
    await runtime.sleep(59_000);
    expect(executor.list()).toHaveLength(1);
    await runtime.sleep(2_000);
    expect(executor.list()).toHaveLength(0);
    expect(() => executor.get(job.id)).toThrow(JobDroppedError);
  });

  test('memory stays flat over 5000 ended jobs of 64 KiB output each (virtual time)', async () => {
    const out = new Uint8Array(64 * 1024).fill(120);
    // Nothing here waits in real time, so the clock need not wait out setTimeout's clamp between jumps.
    const runtime = createVirtualRuntime({ script: () => ({ durationMs: 1, stdout: out }), idleTurn: 'immediate' });
    const executor = new BackgroundExecutor(runtime, { retainJobs: 100, maxConcurrent: 50 });
    const before = heapBytes();
    for (let batch = 0; batch < 50; batch++) {
      const ids = Array.from({ length: 100 }, () => executor.submit({ command: 'flood' }).id);
      await executor.wait(ids);
    }
    const grownMiB = (heapBytes() - before) / 2 ** 20;
    // Kept: 100 jobs x 64 KiB = 6.25 MiB. Without retention: 5000 x 64 KiB = 312 MiB.
    expect(executor.list()).toHaveLength(100);
    expect(executor.bus.history().length).toBeLessThanOrEqual(100);
    expect(grownMiB).toBeLessThan(100);
  }, 120_000);

  test('the bus history is bounded on its own too', () => {
    const bus = new NotificationBus({ maxHistory: 5 });
    for (let i = 0; i < 20; i++) {
      bus.publish({
        jobId: `j${i}`,
        state: 'completed',
        exitCode: 0,
        signal: null,
        durationMs: 1,
        outputBytes: 0,
        tail: '',
        truncated: false,
        endedAt: i,
        command: 'x',
      });
    }
    expect(bus.history().map((n) => n.seq)).toEqual([16, 17, 18, 19, 20]);
  });
});

describe('the job environment', () => {
  // Every variable the issue found passing, with values of the shape such variables hold.
  const LEAKED: Record<string, string> = {
    DATABASE_URL: 'postgres://u:PASS@db.internal:5432/app',
    REDIS_URL: 'redis://:PASS@cache.internal:6379',
    MONGODB_URI: 'mongodb+srv://admin:PASS@cluster0.example.net/db',
    SESSION_COOKIE: 'connect.sid=s%3Aabcdef',
    GH_PAT: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    PGPASS: 'pgpass-secret-value',
    NPM_CONFIG__AUTH: 'dXNlcjpwYXNz',
    DOCKER_AUTH_CONFIG: '{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}',
    SENTRY_DSN: 'https://0123456789abcdef0123456789abcdef@o123.ingest.sentry.io/456',
    SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
    STRIPE_SK: 'sk_live_abcdefghijklmnop',
    PRIVATE_KEY_PEM: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
    JWT_SIGNING: 'hs256-signing-material',
    APIKEY: 'plain-looking-value-1',
    TOKEN: 'plain-looking-value-2',
    AUTH: 'plain-looking-value-3',
    BEARER: 'plain-looking-value-4',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  };
  // Innocent names whose values give them away.
  const BY_VALUE: Record<string, string> = {
    UPSTREAM: 'https://deploy:hunter2@git.example.com/repo.git',
    SOME_CONFIG: 'ghp_zyxwvutsrqponmlkjihgfedcba9876543210',
    BUILD_INFO: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    CERTS: '-----BEGIN RSA PRIVATE KEY-----\nabc',
    MISC: 'xoxb-1234-5678-abcdef',
  };

  test('every listed variable, and values shaped like secrets, never reach a job; ordinary ones do; allowEnv lets one through', async () => {
    const host = createRuntime();
    const runtime = {
      ...host,
      env: () => ({ ...host.env(), ...LEAKED, ...BY_VALUE, KEEP_ME: 'ordinary', PATH: host.env().PATH ?? '/usr/bin:/bin' }),
    };
    const executor = real({ allowEnv: ['TOKEN'] }, runtime);
    const job = executor.submit({ command: 'env' });
    await executor.wait([job.id]);
    const text = executor.output(job.id, { limit: 1 << 20 }).text;
    const names = new Set(text.split('\n').map((l) => l.slice(0, l.indexOf('='))));
    for (const name of [...Object.keys(LEAKED), ...Object.keys(BY_VALUE)]) {
      if (name === 'TOKEN') continue;
      expect(names.has(name), name).toBe(false);
    }
    for (const value of [...Object.values(LEAKED), ...Object.values(BY_VALUE)]) {
      if (value === LEAKED.TOKEN) continue;
      expect(text.includes(value.split('\n')[0] ?? value), value).toBe(false);
    }
    expect(names.has('KEEP_ME')).toBe(true);
    expect(names.has('PATH')).toBe(true);
    expect(text).toContain('TOKEN=plain-looking-value-2');
  });

  test.each([
    ['A=B', 'is not a valid variable name'],
    ['', 'is not a valid variable name'],
    ['A\0B', 'is not a valid variable name'],
    ['1ABC', 'is not a valid variable name'],
  ])('an env key %j is refused', (key, message) => {
    const executor = real();
    expect(() => executor.submit({ command: 'true', env: { [key]: 'x' } })).toThrow(message);
    expect(executor.list()).toEqual([]);
  });

  test('an env value with NUL is refused', () => {
    expect(() => real().submit({ command: 'true', env: { A: 'x\0y' } })).toThrow(/must not contain a NUL/);
  });
});

describe('smaller holes', () => {
  test("a queued job's cwd is checked again when it starts: a symlink swapped in while it waits is refused", async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'bgtasks-root-')));
    mkdirSync(join(root, 'work'));
    const executor = real({ cwdRoot: root, maxConcurrent: 1 });
    const blocker = executor.submit({ command: 'sleep 0.3' });
    const queued = executor.submit({ command: 'pwd', cwd: 'work' });
    expect(executor.get(queued.id).state).toBe('queued');
    rmSync(join(root, 'work'), { recursive: true });
    symlinkSync('/etc', join(root, 'work'));
    await executor.wait([blocker.id, queued.id]);
    const job = executor.get(queued.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/outside the allowed root/);
    expect(executor.output(queued.id).text).not.toContain('/etc\n');
  });

  test('a lease released after bus.close() is not delivered again', () => {
    const bus = new NotificationBus();
    const consumer = bus.consumer('model');
    bus.publish({
      jobId: 'a',
      state: 'completed',
      exitCode: 0,
      signal: null,
      durationMs: 1,
      outputBytes: 0,
      tail: '',
      truncated: false,
      endedAt: 1,
      command: 'x',
    });
    const lease = consumer.lease();
    expect(lease.notices).toHaveLength(1);
    bus.close();
    consumer.release(lease);
    expect(consumer.pending()).toEqual([]);
    expect(consumer.lease().notices).toEqual([]);
  });
});
