/**
 * The sandbox flags every bin that runs jobs takes (`bgtasks-agent`, `bgtasks-mcp`,
 * `bgtasks-worker`), declared once: `--sandbox` turns the OS sandbox on for every job, the
 * `--sandbox-*` flags adjust it (see docs/sandbox.md).
 */
import type { SandboxSpec } from '@bgtasks/core';
import type { FlagSpecs, ParsedFlags } from './flags.ts';
import { choiceFlag, numberFlag } from './flags.ts';
import { UsageError } from './usage-error.ts';

/** The sandbox flags, in the order `--help` lists them. */
export const SANDBOX_FLAGS = {
  sandbox: {
    type: 'boolean',
    default: 'off',
    description:
      'run every job in an OS sandbox (bubblewrap): writes only to its cwd and a\nprivate /tmp, no ~/.ssh, ~/.aws, .env..., no network',
  },
  'sandbox-write': {
    type: 'string',
    multiple: true,
    value: 'DIR',
    description: '--sandbox: also let jobs write in DIR (repeatable)',
  },
  'sandbox-deny': {
    type: 'string',
    multiple: true,
    value: 'PATH',
    description: '--sandbox: also hide PATH from jobs (repeatable)',
  },
  'sandbox-port': {
    type: 'string',
    multiple: true,
    value: 'N',
    description: "--sandbox: let jobs reach the host's 127.0.0.1:N (repeatable)",
  },
  'sandbox-net': {
    type: 'string',
    value: 'MODE',
    default: 'off',
    description: "--sandbox: off (a network of the job's own, empty) or host",
  },
} as const satisfies FlagSpecs;

function list(value: ParsedFlags['values'][string]): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return typeof value === 'string' ? [value] : value;
}

/**
 * The executor's `sandbox` option from parsed flags: undefined without `--sandbox`. A
 * `--sandbox-*` flag without `--sandbox`, an empty path or a bad port throws {@link UsageError}.
 */
export function sandboxFromFlags(values: ParsedFlags['values']): SandboxSpec | undefined {
  const adjusting = Object.keys(SANDBOX_FLAGS).filter((f) => f !== 'sandbox' && values[f] !== undefined);
  if (values.sandbox !== true) {
    if (adjusting.length > 0) throw new UsageError(`--${adjusting[0]} needs --sandbox; see --help`);
    return undefined;
  }
  const paths = (flag: string): string[] =>
    list(values[flag]).map((p) => {
      if (p.trim() === '') throw new UsageError(`--${flag} needs a path; see --help`);
      return p;
    });
  const allowWrite = paths('sandbox-write');
  const denyRead = paths('sandbox-deny');
  const allowPorts = list(values['sandbox-port']).map((p) =>
    numberFlag('sandbox-port', p, { min: 1, max: 65_535, integer: true }),
  );
  const network = values['sandbox-net'];
  const spec = {
    ...(allowWrite.length > 0 ? { allowWrite } : {}),
    ...(denyRead.length > 0 ? { denyRead } : {}),
    ...(allowPorts.length > 0 ? { allowPorts } : {}),
    ...(typeof network === 'string' ? { network: choiceFlag('sandbox-net', network, ['off', 'host'] as const) } : {}),
  };
  if (spec.network === 'host' && allowPorts.length > 0) {
    throw new UsageError('--sandbox-port needs --sandbox-net off (host shares every port); see --help');
  }
  return Object.keys(spec).length > 0 ? spec : true;
}
