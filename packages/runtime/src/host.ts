/** Which JavaScript runtime this process is, from its globals (the one place that looks). */
export function hostRuntimeName(): 'node' | 'bun' | 'deno' | 'unknown' {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: { versions?: { node?: string } } };
  if (g.Bun !== undefined) return 'bun';
  if (g.Deno !== undefined) return 'deno';
  if (g.process?.versions?.node !== undefined) return 'node';
  return 'unknown';
}

/** This runtime's version, e.g. `20.20.2` (Node), `1.4.5` (Bun), `2.9.6` (Deno); `unknown` elsewhere. */
export function hostRuntimeVersion(): string {
  const g = globalThis as {
    Bun?: { version?: string };
    Deno?: { version?: { deno?: string } };
    process?: { versions?: { node?: string } };
  };
  return g.Bun?.version ?? g.Deno?.version?.deno ?? g.process?.versions?.node ?? 'unknown';
}
