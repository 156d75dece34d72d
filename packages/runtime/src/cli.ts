/**
 * @module @bgtasks/runtime/cli: what every bgtasks bin shares: flags declared once for parsing
 * and `--help`, numeric and choice validation, one-line {@link UsageError}s (exit 2), bounded
 * reads of files named on the command line, terminal-safe text and `--runtime` re-runs.
 */
export {
  choiceFlag,
  type FlagSpec,
  type FlagSpecs,
  flagsHelp,
  type NumberBounds,
  numberFlag,
  type ParsedFlags,
  parseFlags,
} from './cli/flags.ts';
export { readTextFileBounded } from './cli/read-bounded.ts';
export { runtimeCommand, withoutFlag } from './cli/runtime-command.ts';
export { SANDBOX_FLAGS, sandboxFromFlags } from './cli/sandbox-flags.ts';
export { terminalSafe } from './cli/terminal-safe.ts';
export { USAGE_EXIT_CODE, UsageError } from './cli/usage-error.ts';
