/**
 * The environment a job runs with: the host's, minus anything that looks like a secret, plus
 * settings that keep interactive programs from waiting for a terminal that is not there.
 */

/** Variables set in every job so pagers, prompts and editors never wait for input. */
export const NON_INTERACTIVE_ENV: Readonly<Record<string, string>> = {
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: 'true',
  SSH_ASKPASS: 'true',
  DEBIAN_FRONTEND: 'noninteractive',
  EDITOR: 'true',
  VISUAL: 'true',
  GCM_INTERACTIVE: 'never',
  NO_COLOR: '1',
};

const SECRET_NAME = /(_KEY|_TOKEN|_SECRET|PASSWORD|PASSWD|_CREDENTIALS?)$|^(ANTHROPIC|OPENAI)_|PASSWORD|SECRET/i;

/** True when a variable name looks like it holds a secret (`*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Options of {@link buildJobEnv}. */
export interface JobEnvOptions {
  /** Secret-looking names to pass through anyway. */
  allow?: readonly string[];
  /** Variables to set on top (after filtering; never filtered). */
  set?: Readonly<Record<string, string>>;
}

/** The environment for one job: `host` less secrets, plus {@link NON_INTERACTIVE_ENV}, plus `set`. */
export function buildJobEnv(host: Readonly<Record<string, string>>, options: JobEnvOptions = {}): Record<string, string> {
  const allow = new Set(options.allow ?? []);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (allow.has(name) || !isSecretName(name)) env[name] = value;
  }
  return { ...env, ...NON_INTERACTIVE_ENV, ...options.set };
}
