// The durable supervisor with real processes: the command's output goes to the log (stdout and
// stderr), its status to the exit file, a signal reads as the signal, the command sees no
// positional parameters of the supervisor, and a partial exit file is not taken for a status.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { parseExitFile, supervisorCommand } from './durable-supervisor.ts';

const runtime = createRuntime();

async function supervise(command: string): Promise<{ log: string; exit: string; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'bgtasks-supervisor-'));
  const log = join(dir, 'job.log');
  const exit = join(dir, 'job.exit');
  writeFileSync(log, '');
  const child = runtime.spawn(supervisorCommand(command, log, exit), { env: runtime.env() });
  const status = await child.exited;
  return { log: readFileSync(log, 'utf8'), exit: readFileSync(exit, 'utf8'), code: status.code };
}

describe('durable supervisor', () => {
  test('output of both streams goes to the log; the status to the exit file; the command sees no $1', async () => {
    const r = await supervise(`echo "args:$#:$1"; echo oops >&2; exit 3`);
    expect(r).toEqual({ log: 'args:0:\noops\n', exit: '3\n', code: 3 });
    expect(parseExitFile(r.exit)).toEqual({ exitCode: 3, signal: null });
  });

  test('a command killed by a signal is recorded as that signal, and quotes survive', async () => {
    const r = await supervise(`echo "it's here"; kill -TERM $(sh -c 'echo $PPID')`);
    expect(r.log).toBe("it's here\n");
    expect(parseExitFile(r.exit)).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });

  test('an exit file without its newline is a write in progress, not a status', () => {
    expect(parseExitFile('14')).toBeUndefined();
    expect(parseExitFile('')).toBeUndefined();
    expect(parseExitFile('0\n')).toEqual({ exitCode: 0, signal: null });
  });
});
