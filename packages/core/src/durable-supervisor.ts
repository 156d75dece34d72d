/**
 * The supervisor of a durable job: a POSIX `sh` that leads the job's session (so the host's
 * death does not take it along), runs the command with its output appended to the job's log
 * file, and writes the exit status to the job's exit file atomically (temporary file, rename)
 * when the command ends. No runtime is needed to outlive the host: only `/bin/sh` and `mv`.
 *
 * It traps SIGTERM, SIGINT and SIGHUP (a trapped signal is reset to the default in the command,
 * which a signal to the group still reaches): so a kill of the job's group ends the command and
 * the supervisor still records how. Only SIGKILL takes the supervisor too; whoever sends it
 * records the end (the executor, or `bgtasks kill`).
 */

/** Quotes `text` as one word for `sh`. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * `$1` command, `$2` log file, `$3` exit file. The log is opened for appending (the store
 * created it owner-only); the exit status goes to `$3.tmp` first, then is renamed.
 */
const SUPERVISOR_SCRIPT = [
  'trap : TERM INT HUP',
  'exec </dev/null >>"$2" 2>&1',
  '/bin/sh -c "$1"',
  'st=$?',
  'printf "%s\\n" "$st" >"$3.tmp" && mv -f "$3.tmp" "$3"',
  'exit "$st"',
].join('\n');

/**
 * The command line that runs `command` under the supervisor. `exec` keeps the pid: the
 * supervisor is the process the runtime spawned, leader of the job's group and session.
 * @example
 * runtime.spawn(supervisorCommand('npm test', '/state/x.log', '/state/x.exit'), { env, marker });
 */
export function supervisorCommand(command: string, logPath: string, exitPath: string): string {
  return `exec /bin/sh -c ${shellWord(SUPERVISOR_SCRIPT)} bgtasks-supervisor ${[command, logPath, exitPath].map(shellWord).join(' ')}`;
}

/** Signal numbers as Linux and the BSDs share them, for statuses above 128. */
const SIGNALS: Readonly<Record<number, string>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/**
 * The exit code or signal a shell status stands for: `sh` reports a command killed by signal
 * N as status 128+N, so a status above 128 naming a known signal reads as that signal (a command
 * that exits with such a code itself reads the same way: the shell cannot tell them apart).
 */
export function statusToExit(status: number): { exitCode: number | null; signal: string | null } {
  const signal = status > 128 ? SIGNALS[status - 128] : undefined;
  return signal !== undefined ? { exitCode: null, signal } : { exitCode: status, signal: null };
}

/** Parses an exit file's text (`<status>\n`); undefined when it is not a status. */
export function parseExitFile(text: string): { exitCode: number | null; signal: string | null } | undefined {
  const match = /^(\d{1,3})\n?$/.exec(text);
  return match ? statusToExit(Number(match[1])) : undefined;
}
