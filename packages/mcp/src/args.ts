/**
 * Flags of `bgtasks-mcp`: parsed with `node:util` parseArgs (the same on Node, Bun and Deno) and
 * validated with zod, so every mistake becomes one {@link McpUsageError} line and exit code 2.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_CONCURRENT, DEFAULT_TIMEOUT_MS } from '@bgtasks/core';
import * as z from 'zod';
import { McpUsageError } from './errors.ts';
import { DEFAULT_MAX_SESSIONS } from './http.ts';

/** Longest job timeout the flag takes: one day, in seconds. */
const MAX_TIMEOUT_S = 86_400;

/** The text of `bgtasks-mcp --help`. */
export const HELP = `bgtasks-mcp: an MCP server that runs slow shell commands as background jobs

Usage: bgtasks-mcp [options]

Tools: bg_bash (task-capable: MCP Tasks), check_bg, bg_wait, bg_output, bg_kill. Every tool
result also carries the <bg_notice> blocks of jobs that ended since the last one (unless
--no-notices). Jobs are killed when the client disconnects or the server gets SIGINT/SIGTERM.

Options:
      --http                  serve Streamable HTTP on loopback instead of stdio (default: stdio)
      --port N                --http only: the port (default: 0, a free port; the URL is printed)
      --cwd DIR               run jobs in DIR; a job's cwd may not leave it (default: .)
      --max-concurrent N      jobs running at once per session; more wait in a queue (default: ${DEFAULT_MAX_CONCURRENT})
      --timeout S             kill a job after S seconds unless bg_bash asks otherwise (default: ${DEFAULT_TIMEOUT_MS / 1000})
      --max-sessions N        --http only: sessions open at once (default: ${DEFAULT_MAX_SESSIONS})
      --no-notices            do not append ended-job notices to tool results (default: append)
  -h, --help                  this help
  -v, --version               the version

Exit codes: 0 the client closed the session, 2 bad flags, 130/143 SIGINT/SIGTERM.

Examples:
  bgtasks-mcp                                    # stdio, for Claude Code, Claude Desktop, Cursor
  claude mcp add bgtasks -- npx bgtasks-mcp      # add it to Claude Code
  bgtasks-mcp --http --port 8123 --cwd ~/repo    # http://127.0.0.1:8123/mcp
`;

const wholeNumber = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${flag} must be between ${min} and ${max}`);

const OptionsSchema = z.object({
  http: z.boolean().default(false),
  port: wholeNumber('--port', 0, 65_535).default(0),
  cwd: z.string().min(1, '--cwd needs a directory').default('.'),
  maxConcurrent: wholeNumber('--max-concurrent', 1, 1_000).default(DEFAULT_MAX_CONCURRENT),
  timeoutS: z
    .string()
    .regex(/^\d*\.?\d+$/, '--timeout must be a number of seconds such as 600')
    .transform(Number)
    .refine((n) => n > 0 && n <= MAX_TIMEOUT_S, `--timeout must be more than 0 and at most ${MAX_TIMEOUT_S}`)
    .default(DEFAULT_TIMEOUT_MS / 1000),
  maxSessions: wholeNumber('--max-sessions', 1, 1_000).default(DEFAULT_MAX_SESSIONS),
  notices: z.boolean().default(true),
  help: z.boolean().default(false),
  version: z.boolean().default(false),
});

/** Validated flags. */
export type McpCliOptions = z.output<typeof OptionsSchema>;

/** Parses argv (without the runtime and script); throws {@link McpUsageError}. */
export function parseMcpArgs(argv: readonly string[]): McpCliOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        http: { type: 'boolean' },
        port: { type: 'string' },
        cwd: { type: 'string' },
        'max-concurrent': { type: 'string' },
        timeout: { type: 'string' },
        'max-sessions': { type: 'string' },
        'no-notices': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new McpUsageError(`${message.replace(/\. To specify a positional.*$/s, '').replace(/\n.*/s, '')}; see --help`);
  }
  const v = parsed.values;
  if (!v.http && (v.port !== undefined || v['max-sessions'] !== undefined)) {
    throw new McpUsageError(`${v.port !== undefined ? '--port' : '--max-sessions'} needs --http; see --help`);
  }
  const result = OptionsSchema.safeParse({
    http: v.http,
    port: v.port,
    cwd: v.cwd,
    maxConcurrent: v['max-concurrent'],
    timeoutS: v.timeout,
    maxSessions: v['max-sessions'],
    notices: v['no-notices'] === true ? false : undefined,
    help: v.help,
    version: v.version,
  });
  if (!result.success) throw new McpUsageError(`${result.error.issues.map((i) => i.message).join('; ')}; see --help`);
  return result.data;
}
