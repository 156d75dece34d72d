import { JOB_MARKER_VAR, type SpawnOptions } from '@bgtasks/core';

/** The child's environment: `options.env` (or the host's), plus the job marker when there is one. */
export function jobEnv(options: SpawnOptions, hostEnv: () => Record<string, string>): Record<string, string> {
  const env = options.env ?? hostEnv();
  return options.marker === undefined ? env : { ...env, [JOB_MARKER_VAR]: options.marker };
}
