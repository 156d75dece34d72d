/**
 * Command-line flags: parsed with `node:util` parseArgs (the same on Node, Bun and Deno), then
 * validated with zod so every mistake becomes one {@link UsageError} line and exit code 2.
 */
import { parseArgs } from 'node:util';
import * as z from 'zod';

export const STRATEGIES = ['block', 'poll', 'inject'] as const;
export const RUNTIMES = ['node', 'bun', 'deno'] as const;
export const BACKENDS = ['local', 'bullmq'] as const;
export const POLL_POLICY_NAMES = ['every_turn', 'backoff', 'bg_wait'] as const;

/** A mistake of the user's: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OptionsSchema = z.object({
  notify: z.enum(STRATEGIES, { message: `--notify must be one of ${STRATEGIES.join(', ')}` }).default('inject'),
  runtime: z.enum(RUNTIMES, { message: `--runtime must be one of ${RUNTIMES.join(', ')}` }).optional(),
  scenario: z.string().min(1, '--scenario needs a name or a file').default('default'),
  model: z.string().min(1, '--model needs a model id').optional(),
  maxTurns: z
    .string()
    .regex(/^\d+$/, '--max-turns must be a positive whole number')
    .transform(Number)
    .refine((n) => n > 0 && n <= 10_000, '--max-turns must be between 1 and 10000')
    .optional(),
  cwd: z.string().min(1, '--cwd needs a directory').optional(),
  transcript: z.string().min(1, '--transcript needs a file name').optional(),
  json: z.boolean().default(false),
  stream: z.boolean().default(false),
  scale: z
    .string()
    .regex(/^\d*\.?\d+$/, '--scale must be a number such as 0.1')
    .transform(Number)
    .refine((n) => n > 0 && n <= 10, '--scale must be more than 0 and at most 10')
    .default(1),
  poll: z.enum(POLL_POLICY_NAMES, { message: `--poll must be one of ${POLL_POLICY_NAMES.join(', ')}` }).optional(),
  backend: z.enum(BACKENDS, { message: `--backend must be one of ${BACKENDS.join(', ')}` }).default('local'),
  redis: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, '--redis must be a URL such as redis://127.0.0.1:6379')
    .default('redis://127.0.0.1:6379'),
  queue: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '--queue must be 1-64 letters, digits, ".", "_" or "-"')
    .default('bgtasks'),
  workers: z
    .string()
    .regex(/^\d+$/, '--workers must be a whole number')
    .transform(Number)
    .refine((n) => n <= 64, '--workers must be at most 64')
    .default(0),
  help: z.boolean().default(false),
  version: z.boolean().default(false),
  prompt: z.string().optional(),
});

/** Validated command-line options. */
export type CliOptions = z.output<typeof OptionsSchema>;

/** Parses argv (without the runtime and script); throws {@link UsageError}. */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        notify: { type: 'string', short: 'n' },
        runtime: { type: 'string' },
        scenario: { type: 'string', short: 's' },
        model: { type: 'string', short: 'm' },
        'max-turns': { type: 'string' },
        cwd: { type: 'string' },
        transcript: { type: 'string' },
        json: { type: 'boolean' },
        stream: { type: 'boolean' },
        poll: { type: 'string' },
        scale: { type: 'string' },
        backend: { type: 'string' },
        redis: { type: 'string' },
        queue: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message.replace(/\. To specify a positional.*$/s, '')}; see --help`);
  }
  const v = parsed.values;
  const result = OptionsSchema.safeParse({
    notify: v.notify,
    runtime: v.runtime,
    scenario: v.scenario,
    model: v.model,
    maxTurns: v['max-turns'],
    cwd: v.cwd,
    transcript: v.transcript,
    json: v.json,
    stream: v.stream,
    poll: v.poll,
    scale: v.scale,
    backend: v.backend,
    redis: v.redis,
    queue: v.queue,
    workers: v.workers,
    help: v.help,
    version: v.version,
    prompt: parsed.positionals.length > 0 ? parsed.positionals.join(' ') : undefined,
  });
  if (!result.success) {
    throw new UsageError(`${result.error.issues.map((i) => i.message).join('; ')}; see --help`);
  }
  return result.data;
}

/** argv with `--runtime X` / `--runtime=X` removed (for re-running under runtime X). */
export function withoutRuntimeFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--runtime') i++;
    else if (!a.startsWith('--runtime=')) out.push(a);
  }
  return out;
}
