/** A job spec from outside, checked against the schema: what both backends' `submit` start with. */
import { describeIssues } from '../describe-issues.ts';
import { InvalidJobSpecError } from '../errors.ts';
import { type JobSpec, JobSpecSchema } from '../job.ts';

/** The spec, parsed; an {@link InvalidJobSpecError} lists each issue, then `validFields` (what this backend takes). */
export function parseJobSpec(spec: unknown, validFields: string): JobSpec {
  const parsed = JobSpecSchema.safeParse(spec);
  if (!parsed.success) throw new InvalidJobSpecError([...describeIssues(parsed.error), `valid fields: ${validFields}`]);
  return parsed.data;
}
