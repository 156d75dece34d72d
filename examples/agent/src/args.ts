/**
 * Command-line flags: parsed with `node:util` parseArgs (the same on Node, Bun and Deno), then
 * validated with zod so every mistake becomes one {@link UsageError} line and exit code 2.
 */
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { LOOP_NAMES } from './loops/index.ts';

export const STRATEGIES = ['block', 'poll', 'inject'] as const;
export const RUNTIMES = ['node', 'bun', 'deno'] as const;
export const POLL_POLICY_NAMES = ['every_turn', 'backoff', 'bg_wait'] as const;

/** A mistake of the user's: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OptionsSchema = z.object({
  notify: z.enum(STRATEGIES, { message: `--notify must be one of ${STRATEGIES.join(', ')}` }).default('inject'),
  loop: z.enum(LOOP_NAMES, { message: `--loop must be one of ${LOOP_NAMES.join(', ')}` }).default(LOOP_NAMES[0]),
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
        loop: { type: 'string' },
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
    loop: v.loop,
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
