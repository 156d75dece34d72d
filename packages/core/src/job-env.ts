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

/**
 * Names that hold secrets: suffixes like `_KEY`, `_TOKEN`, `_SECRET`, `_PAT`, `_DSN`, `_AUTH`,
 * `_SK`, `_PEM`; words like PASSWORD, SECRET, TOKEN, COOKIE, CREDENTIAL, PRIVATE, BEARER, JWT,
 * WEBHOOK, SIGNING anywhere; connection URLs of databases and brokers; whole cloud-provider
 * prefixes. A false positive costs an `allowEnv` entry; a false negative leaks a secret.
 */
const SECRET_NAMES: readonly RegExp[] = [
  /(^|_)(API_?)?KEYS?$/i,
  /(^|_)(ACCESS|AUTH|REFRESH|ID|SESSION|BEARER)?_?TOKENS?$/i,
  /(^|_)(PAT|DSN|AUTH|SK|PEM|PASS|PWD|CERT|JWT|BEARER|COOKIES?|SALT|OTP|TOTP)$/i,
  /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|COOKIE|CREDENTIAL|PRIVATE|BEARER|JWT|WEBHOOK|SIGNING|APIKEY|API_KEY|ACCESS_KEY|PGPASS/i,
  /(^|_)AUTH(_|$)/i,
  /(^|_)(SESSION)(_|$)/i,
  /^(DATABASE|DB|REDIS|MONGO|MONGODB|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB|AMQP|RABBITMQ|CLOUDAMQP|CELERY_BROKER|KAFKA|ELASTICSEARCH|SMTP|MAIL|SENTRY)_?(URL|URI|DSN)$/i,
  /_(DATABASE|DB)_(URL|URI)$/i,
  /^(ANTHROPIC|OPENAI|AWS|AZURE|GCP|GOOGLE_APPLICATION|GITHUB|GH|GITLAB|NPM_CONFIG_|HF|HUGGING_?FACE|STRIPE|TWILIO|SENDGRID|SLACK|DOCKER_AUTH|VAULT|HEROKU|CLOUDFLARE|DIGITALOCEAN)_/i,
];

/** Names that look secret but are not, and that programs need. */
const PUBLIC_NAMES = new Set([
  'PWD',
  'OLDPWD',
  'TOKENIZERS_PARALLELISM',
  'GITHUB_ACTIONS',
  'GITHUB_WORKSPACE',
  'GITHUB_REF',
  'GITHUB_SHA',
  'GITHUB_REPOSITORY',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
]);

/**
 * Value shapes of secrets, whatever the variable is called: URLs with credentials, PEM blocks,
 * well-known token prefixes (GitHub, GitLab, OpenAI/Anthropic, Stripe, Slack, AWS, npm, Google,
 * Hugging Face), JWTs, bearer headers, Slack webhooks.
 */
const SECRET_VALUES: readonly RegExp[] = [
  /[a-z][a-z0-9+.-]*:\/\/[^/\s@:]*:[^/\s@]+@/i, // scheme://user:password@host
  /[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9_-]{16,}@/i, // scheme://token@host (Sentry DSN, token URLs)
  /-----BEGIN [A-Z0-9 ]*(PRIVATE KEY|CERTIFICATE|PGP)/,
  /^\s*(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|gldt-|sk-|sk_live_|sk_test_|rk_live_|pk_live_|xox[abposr]-|xapp-|npm_|hf_|AIza|ya29\.|shpat_|dop_v1_|SG\.)/,
  /\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, // JWT
  /^\s*(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{12,}/i,
  /hooks\.slack\.com\/|discord(app)?\.com\/api\/webhooks\//i,
];

/**
 * True when a variable name looks like it holds a secret: `*_KEY`, `*_TOKEN`, `*_SECRET`,
 * `*PASSWORD*`, `*_PAT`, `*_DSN`, `*_AUTH`, `*COOKIE*`, `DATABASE_URL`, `AWS_*`, and more.
 */
export function isSecretName(name: string): boolean {
  if (PUBLIC_NAMES.has(name.toUpperCase())) return false;
  return SECRET_NAMES.some((re) => re.test(name));
}

/** True when a value looks like a secret whatever its name (credentials in a URL, a PEM block, a known token prefix, a JWT). */
export function isSecretValue(value: string): boolean {
  return SECRET_VALUES.some((re) => re.test(value));
}

/** Options of {@link buildJobEnv}. */
export interface JobEnvOptions {
  /** Names to pass through even when their name or value looks secret. */
  allow?: readonly string[];
  /** Variables to set on top (after filtering; never filtered). */
  set?: Readonly<Record<string, string>>;
}

/**
 * The environment for one job: `host` less secrets (by {@link isSecretName} and
 * {@link isSecretValue}), plus {@link NON_INTERACTIVE_ENV}, plus `set`. This is hygiene, not a
 * boundary: a job running as the host's user can still read the host's environment from
 * `/proc/<host pid>/environ`, its files and its credential stores.
 */
export function buildJobEnv(host: Readonly<Record<string, string>>, options: JobEnvOptions = {}): Record<string, string> {
  const allow = new Set(options.allow ?? []);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (allow.has(name) || !(isSecretName(name) || isSecretValue(value))) env[name] = value;
  }
  return { ...env, ...NON_INTERACTIVE_ENV, ...options.set };
}
