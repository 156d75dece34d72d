/**
 * Flags of `bgtasks-mcp`, declared once for the parser and for `--help` (the shared vocabulary of
 * `@bgtasks/runtime/cli`, the same on Node, Bun and Deno), so every mistake becomes one
 * {@link McpUsageError} line and exit code 2.
 */
import { DEFAULT_MAX_CONCURRENT, DEFAULT_TIMEOUT_MS, type SandboxSpec } from '@bgtasks/core';
import {
  type FlagSpecs,
  flagsHelp,
  numberFlag,
  parseFlags,
  SANDBOX_FLAGS,
  sandboxFromFlags,
  UsageError,
} from '@bgtasks/runtime/cli';
import { checkToken } from './bearer.ts';
import { McpUsageError } from './errors.ts';
import { DEFAULT_MAX_SESSIONS } from './http.ts';

/** Longest job timeout the flag takes: one day, in seconds. */
const MAX_TIMEOUT_S = 86_400;

/** Every flag of `bgtasks-mcp`, in the order `--help` lists them. */
export const MCP_FLAGS = {
  http: { type: 'boolean', default: 'stdio', description: 'serve Streamable HTTP on loopback instead of stdio' },
  port: { type: 'string', value: 'N', default: '0, a free port; the URL is printed', description: '--http only: the port' },
  cwd: { type: 'string', value: 'DIR', default: '.', description: "run jobs in DIR; a job's cwd may not leave it" },
  'max-concurrent': {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_MAX_CONCURRENT),
    description: 'jobs running at once per session; more wait in a queue',
  },
  timeout: {
    type: 'string',
    value: 'S',
    default: String(DEFAULT_TIMEOUT_MS / 1000),
    description: 'kill a job after S seconds unless bg_bash asks otherwise',
  },
  'max-sessions': {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_MAX_SESSIONS),
    description: '--http only: sessions open at once',
  },
  token: {
    type: 'string',
    value: 'T',
    default: '$BGTASKS_MCP_TOKEN, else random, printed',
    description: '--http only: the bearer token clients must send',
  },
  'insecure-no-token': {
    type: 'boolean',
    default: 'required',
    description: '--http only: no token (unsafe)',
  },
  'no-notices': { type: 'boolean', default: 'append', description: 'do not append ended-job notices to tool results' },
  'state-dir': {
    type: 'string',
    value: 'DIR',
    default: '<state root>/mcp-<cwd name>-<hash>',
    description: 'stdio only: keep durable jobs in DIR (they outlive the server; the next one reattaches)',
  },
  'no-durable': { type: 'boolean', description: 'jobs die with the server (as with --http)' },
  ...SANDBOX_FLAGS,
  help: { type: 'boolean', short: 'h', description: 'this help' },
  version: { type: 'boolean', short: 'v', description: 'the version' },
} as const satisfies FlagSpecs;

/** The text of `bgtasks-mcp --help`. */
export const HELP = `bgtasks-mcp: an MCP server that runs slow shell commands as background jobs

Usage: bgtasks-mcp [options]

Tools: bg_bash (task-capable: MCP Tasks), check_bg, bg_wait, bg_output, bg_kill, bg_write. Every tool
result also carries the <bg_notice> blocks of jobs that ended since the last one (unless
--no-notices). Over stdio, jobs are durable: they keep running when the server stops or is
killed, and the next server started in the same --cwd reattaches to them (same ids, notices not
yet delivered are delivered); see and stop them with the bgtasks command. With --no-durable or
--http, jobs are killed when the client disconnects or the server gets SIGINT/SIGTERM.

Options:
${flagsHelp(MCP_FLAGS)}

Exit codes: 0 the client closed the session, 1 --sandbox not possible on this machine, 2 bad flags,
130/143 SIGINT/SIGTERM.

Examples:
  bgtasks-mcp                                    # stdio, for Claude Code, Claude Desktop, Cursor
  claude mcp add bgtasks -- npx -y @bgtasks/mcp  # add it to Claude Code
  bgtasks-mcp --http --port 8123 --cwd ~/repo    # http://127.0.0.1:8123/mcp; prints the token
  BGTASKS_MCP_TOKEN=$(openssl rand -hex 32) bgtasks-mcp --http   # a token you chose
    (prefer BGTASKS_MCP_TOKEN to --token: other local users can read flags in ps)
  bgtasks-mcp --sandbox --sandbox-port 5432  # jobs sandboxed, may reach 127.0.0.1:5432
`;

/** Validated flags. */
export interface McpCliOptions {
  http: boolean;
  port: number;
  cwd: string;
  maxConcurrent: number;
  timeoutS: number;
  maxSessions: number;
  /** `--token`, when given (the bin falls back to `BGTASKS_MCP_TOKEN`, then a random one). */
  token?: string;
  /** `--insecure-no-token`: no bearer token required. */
  insecureNoToken: boolean;
  notices: boolean;
  /** Durable jobs (stdio only). */
  durable: boolean;
  stateDir?: string;
  /** The executor's sandbox (`--sandbox`), undefined without it. */
  sandbox?: SandboxSpec;
  help: boolean;
  version: boolean;
}

function parse(argv: readonly string[]): McpCliOptions {
  const { values: v } = parseFlags(argv, MCP_FLAGS);
  const str = (name: keyof typeof MCP_FLAGS) => v[name] as string | undefined;
  if (!v.http) {
    const httpOnly = (['port', 'max-sessions', 'token', 'insecure-no-token'] as const).find((f) => v[f] !== undefined);
    if (httpOnly !== undefined) throw new UsageError(`--${httpOnly} needs --http; see --help`);
  }
  if (v.token !== undefined && v['insecure-no-token'] === true) {
    throw new UsageError('--token and --insecure-no-token contradict each other; pick one');
  }
  const token = str('token');
  const whole = (flag: keyof typeof MCP_FLAGS, min: number, max: number, fallback: number) => {
    const text = str(flag);
    return text === undefined ? fallback : numberFlag(flag, text, { min, max, integer: true });
  };
  const cwd = str('cwd');
  if (cwd !== undefined && cwd.trim() === '') throw new UsageError('--cwd needs a directory; see --help');
  const timeout = str('timeout');
  const stateDir = str('state-dir');
  if (stateDir !== undefined && (v.http || v['no-durable'])) {
    throw new UsageError(`--state-dir goes with durable stdio jobs, not with ${v.http ? '--http' : '--no-durable'}; see --help`);
  }
  if (stateDir !== undefined && stateDir.trim() === '') throw new UsageError('--state-dir needs a directory; see --help');
  const sandbox = sandboxFromFlags(v);
  return {
    ...(sandbox !== undefined ? { sandbox } : {}),
    http: v.http === true,
    port: whole('port', 0, 65_535, 0),
    cwd: cwd ?? '.',
    maxConcurrent: whole('max-concurrent', 1, 1_000, DEFAULT_MAX_CONCURRENT),
    timeoutS:
      timeout === undefined
        ? DEFAULT_TIMEOUT_MS / 1000
        : numberFlag('timeout', timeout, { min: 0, exclusiveMin: true, max: MAX_TIMEOUT_S }),
    maxSessions: whole('max-sessions', 1, 1_000, DEFAULT_MAX_SESSIONS),
    ...(token !== undefined ? { token: checkToken(token, '--token') } : {}),
    insecureNoToken: v['insecure-no-token'] === true,
    notices: v['no-notices'] !== true,
    durable: v.http !== true && v['no-durable'] !== true,
    ...(stateDir !== undefined ? { stateDir } : {}),
    help: v.help === true,
    version: v.version === true,
  };
}

/** Parses argv (without the runtime and script); throws {@link McpUsageError}. */
export function parseMcpArgs(argv: readonly string[]): McpCliOptions {
  try {
    return parse(argv);
  } catch (error) {
    if (UsageError.isInstance(error)) throw new McpUsageError(error.message, { cause: error });
    throw error;
  }
}
