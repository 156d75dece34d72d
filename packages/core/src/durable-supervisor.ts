/**
 * The supervisor of a durable job: a POSIX `sh` that leads the job's session (so the host's
 * death does not take it along), runs the command with its output appended to the job's log
 * file, and writes the exit status to the job's exit file when the command ends, in one write
 * that a reader can tell from a partial one (it ends in a newline). No runtime is needed to
 * outlive the host: only `/bin/sh`, with no other program run (the command runs in a subshell:
 * one fork, no exec), which keeps a durable job's cost close to a plain one's.
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
 * The supervisor's script: `sh -c` of it is the process the runtime spawns (leader of the job's
 * group and session). The command runs in a subshell (a fork, no exec), its positional
 * parameters cleared as under `sh -c`; the log is opened for appending (the store created it
 * owner-only). The exit status is written in one `printf` ending in a newline: a reader that
 * finds no newline yet has read a write in progress and waits (see {@link parseExitFile}).
 */
function supervisorScript(command: string, logPath: string, exitPath: string): string {
  return [
    `__bgt_cmd=${shellWord(command)}`,
    'trap : TERM INT HUP',
    // The supervisor's own words ("Terminated") stay out of the job's log; the host's pipes close.
    'exec </dev/null >/dev/null 2>&1',
    `( unset __bgt_st; set --; eval "$__bgt_cmd" ) >>${shellWord(logPath)} 2>&1`,
    '__bgt_st=$?',
    `printf '%s\\n' "$__bgt_st" >${shellWord(exitPath)}`,
    'exit "$__bgt_st"',
  ].join('\n');
}

/**
 * The command line that runs `command` under the supervisor.
 * @example
 * runtime.spawn(supervisorCommand('npm test', '/state/x.log', '/state/x.exit'), { env, marker });
 */
export function supervisorCommand(command: string, logPath: string, exitPath: string): string {
  return supervisorScript(command, logPath, exitPath);
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

/**
 * Parses an exit file's text (`<status>\n`); undefined when it is not a status, or not a whole
 * one yet (no newline: the write is in progress).
 */
export function parseExitFile(text: string): { exitCode: number | null; signal: string | null } | undefined {
  const match = /^(\d{1,3})\n$/.exec(text);
  return match ? statusToExit(Number(match[1])) : undefined;
}
