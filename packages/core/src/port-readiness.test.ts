// Ready by port means a listener owned by a process of the job (Linux /proc), with real
// processes on whichever runtime runs the suite: a port another process holds never makes a job
// ready, whether the job exits 1 (its port was taken) or never listens.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, test } from 'vitest';
import { BackgroundExecutor } from './executor.ts';
import { formatNotice } from './notice.ts';

/** Ownership is known where `/proc` lists sockets (Linux). */
const hasProc = existsSync('/proc/self/net/tcp');

const executors: BackgroundExecutor[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function make(): BackgroundExecutor {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 200 });
  executors.push(executor);
  return executor;
}

/** A loopback server of the test process (not of any job) on a free port. */
async function foreignListener(host = '127.0.0.1'): Promise<number> {
  const server = createServer((s) => s.end('not the job'));
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** A node server listening on `port` at `host`, in a child of the job's `sh` (not its leader). */
function listener(port: number, host: string): string {
  return `node -e "require('net').createServer(s=>s.end('ok')).listen(${port},'${host}',()=>console.log('up'))"; echo exited $?`;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const port = await foreignListener();
  const server = servers.pop();
  await new Promise((r) => server?.close(r));
  return port;
}

describe('readiness by port', () => {
  test.skipIf(!hasProc)(
    'a port held by another process never makes a job ready, whether the job exits 1 or never listens',
    async () => {
      const executor = make();
      const port = await foreignListener();
      // A dev server that finds its port taken and exits 1; one that never listens.
      const taken = executor.submit({ command: listener(port, '127.0.0.1').replace('; echo exited $?', ''), ready: { port } });
      const silent = executor.submit({ command: 'sleep 30', ready: { port } });
      await expect(executor.waitFor(taken.id, { port, timeoutMs: 20_000 })).resolves.toMatchObject({
        met: 'exit',
        job: { state: 'failed', exitCode: 1 },
      });
      await expect(executor.waitFor(silent.id, { port, timeoutMs: 1_500 })).resolves.toMatchObject({ met: 'timeout' });
      expect(executor.get(silent.id).state).toBe('running');
      expect(executor.bus.history().filter((n) => n.kind === 'ready')).toEqual([]);
    },
  );

  test.skipIf(!hasProc).each(['127.0.0.1', '::1', '0.0.0.0'])(
    'a job whose own process listens on %s is ready, and the notice does not say the owner is unknown',
    async (host) => {
      const executor = make();
      const port = await freePort();
      const job = executor.submit({ command: listener(port, host), ready: { port } });
      const notice = await executor.bus.consumer('c').next();
      expect(notice).toMatchObject({ jobId: job.id, kind: 'ready', ready: 'port', state: 'running' });
      expect(notice.portOwner).toBeUndefined();
      expect(formatNotice(notice)).not.toContain('port_owner');
      await expect(executor.waitFor(job.id, { pattern: '^up$', timeoutMs: 10_000 })).resolves.toMatchObject({ met: 'pattern' });
    },
  );
});
