/**
 * Scenarios: what the simulated model works on. A task graph of background jobs (each a shell
 * command that also runs on the virtual runtime), think steps, dependencies and a final answer,
 * plus the poll policy. Validated with zod and then for references and cycles.
 */
import { JobIdSchema } from '@bgtasks/core';
import * as z from 'zod';
import { InvalidScenarioError, type ScenarioIssue } from './errors.ts';

/** How a model on the poll strategy waits: check every turn, back off, or block in `bg_wait`. */
export const POLL_POLICIES = ['every_turn', 'backoff', 'bg_wait'] as const;
export type PollPolicy = (typeof POLL_POLICIES)[number];

const Ids = z.array(JobIdSchema).default([]);

const JobSchema = z
  .object({
    id: JobIdSchema,
    /** Virtual (and, times `scale`, real) run time in seconds. */
    durationS: z.number().min(0, 'must be 0 or more seconds').max(86_400, 'must be at most a day'),
    /** Exit code the job ends with; 0 succeeds. */
    exitCode: z.number().int().min(0).max(255).default(0),
    /** One line the job prints at the end. */
    output: z
      .string()
      .regex(/^[^"'`$\\\n;&|<>]*$/, 'must be one line without quotes, $, backslash, ;, &, |, < or >')
      .optional(),
    /** A shell command to run instead of the derived `sleep N && echo ...` (not scaled). */
    command: z.string().min(1).optional(),
    /** Ids (jobs or think steps) that must be seen to succeed before this job starts. */
    after: Ids,
    /** Ids that must be seen to fail first: this job belongs to the plan B. */
    ifFailed: Ids,
    /** What the model does when it sees this job fail: the jobs it kills. */
    onFailure: z.object({ kill: Ids }).strict().default({ kill: [] }),
    timeoutS: z.number().positive().optional(),
    label: z.string().max(200).optional(),
    /**
     * A job that keeps running (a dev server): it prints `output` after `afterS` seconds and then
     * runs for `durationS`; jobs `after` it may start once the model has seen it ready (a `ready`
     * notice, or `bg_wait` with `until`), and the model kills it once they have all ended.
     */
    ready: z
      .object({
        pattern: z.string().min(1).max(1_000),
        afterS: z.number().min(0).max(86_400).default(1),
      })
      .strict()
      .optional(),
  })
  .strict();

const ThinkSchema = z
  .object({
    id: JobIdSchema,
    /** What the model says it does; the response starts with this text. */
    text: z.string().min(1, 'must not be empty'),
    /** Output tokens this step costs (the text is padded to about this size). */
    outputTokens: z.number().int().positive().max(64_000),
    after: Ids,
    ifFailed: Ids,
  })
  .strict();

const FinalSchema = z
  .object({
    /** The answer when every job the plan needed succeeded; `{completed}` lists job ids. */
    text: z.string().min(1),
    /** The answer when a job failed; `{failed}` lists the failed job ids. */
    failureText: z.string().min(1).optional(),
    outputTokens: z.number().int().positive().max(64_000).optional(),
  })
  .strict();

const BackoffSchema = z
  .object({
    initialS: z.number().positive().default(2),
    factor: z.number().min(1).default(2),
    maxS: z.number().positive().default(60),
  })
  .strict();

const PolicySchema = z
  .object({
    /** Poll strategy: `every_turn` (check_bg each turn), `backoff` (waits that double), `bg_wait`. */
    poll: z.enum(POLL_POLICIES).default('every_turn'),
    backoff: BackoffSchema.default({ initialS: 2, factor: 2, maxS: 60 }),
    /** timeout_s of a blocking `bg_wait` (policy `bg_wait`). */
    waitTimeoutS: z.number().positive().default(300),
  })
  .strict();

/** Schema of a scenario as written (JSON, YAML or an object). */
export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case: lowercase letters, digits and "-"'),
    description: z.string().default(''),
    /** The user's task, for the agent to send as its first message. */
    prompt: z.string().min(1),
    jobs: z.array(JobSchema).min(1, 'must list at least one job'),
    think: z.array(ThinkSchema).default([]),
    final: FinalSchema,
    policy: PolicySchema.default({
      poll: 'every_turn',
      backoff: { initialS: 2, factor: 2, maxS: 60 },
      waitTimeoutS: 300,
    }),
    /** Safety net: after this many assistant turns the model gives up with an answer. */
    maxTurns: z.number().int().positive().default(200),
  })
  .strict();

/** A scenario as written. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A validated scenario, defaults filled in. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioJob = Scenario['jobs'][number];
export type ThinkStep = Scenario['think'][number];

/** Writes a zod path as `jobs[1].after[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(scenario)' : out;
}

/** Issues with a zod-like path, before lines are attached. */
export interface PathIssue {
  path: PropertyKey[];
  message: string;
}

/** References to unknown ids, duplicate ids, ambiguous think texts and cycles. */
function checkGraph(s: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const ids = new Map<string, PropertyKey[]>();
  const nodes = [
    ...s.jobs.map((n, i) => ({ node: n, at: ['jobs', i] as PropertyKey[] })),
    ...s.think.map((n, i) => ({ node: n, at: ['think', i] as PropertyKey[] })),
  ];
  for (const { node, at } of nodes) {
    const first = ids.get(node.id);
    if (first) issues.push({ path: [...at, 'id'], message: `duplicate id "${node.id}" (also ${formatPath(first)})` });
    else ids.set(node.id, at);
  }
  const known = [...ids.keys()].join(', ');
  const jobIds = new Set(s.jobs.map((j) => j.id));
  for (const { node, at } of nodes) {
    for (const field of ['after', 'ifFailed'] as const) {
      node[field].forEach((ref, k) => {
        if (!ids.has(ref)) issues.push({ path: [...at, field, k], message: `unknown id "${ref}"; known ids: ${known}` });
        else if (field === 'ifFailed' && !jobIds.has(ref))
          issues.push({ path: [...at, field, k], message: `"${ref}" is a think step; only jobs can fail` });
      });
    }
  }
  s.jobs.forEach((job, i) => {
    job.onFailure.kill.forEach((ref, k) => {
      if (!jobIds.has(ref) || ref === job.id)
        issues.push({ path: ['jobs', i, 'onFailure', 'kill', k], message: `"${ref}" is not another job of this scenario` });
    });
  });
  s.think.forEach((a, i) => {
    s.think.forEach((b, k) => {
      if (i !== k && b.text.startsWith(a.text))
        issues.push({
          path: ['think', k, 'text'],
          message: `starts with the text of think step "${a.id}"; texts must tell steps apart`,
        });
    });
  });
  if (issues.length > 0) return issues;
  // Cycles: depth-first search over after + ifFailed.
  const deps = new Map(nodes.map(({ node }) => [node.id, [...node.after, ...node.ifFailed]]));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'open');
    for (const d of deps.get(id) ?? []) {
      const cycle = visit(d, [...trail, id]);
      if (cycle) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const { node, at } of nodes) {
    const cycle = visit(node.id, []);
    if (cycle) return [{ path: [...at, 'after'], message: `dependency cycle: ${cycle.join(' -> ')}` }];
  }
  return issues;
}

/** Validates a scenario object; issues carry zod-style paths (lines are added by the file loader). */
export function checkScenario(
  value: unknown,
): { scenario: Scenario; issues: [] } | { scenario?: undefined; issues: PathIssue[] } {
  const parsed = ScenarioSchema.safeParse(value, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required field is missing' : undefined),
  });
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: [...i.path], message: i.message })) };
  const issues = checkGraph(parsed.data);
  return issues.length > 0 ? { issues } : { scenario: parsed.data, issues: [] };
}

/**
 * Validates a scenario given as an object.
 * @throws InvalidScenarioError naming each bad field.
 */
export function parseScenario(value: unknown, options: { source?: string } = {}): Scenario {
  const result = checkScenario(value);
  if (result.scenario) return result.scenario;
  const issues: ScenarioIssue[] = result.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new InvalidScenarioError(issues, options);
}
