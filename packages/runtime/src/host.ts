/** Which JavaScript runtime this process is, from its globals (the one place that looks). */
export function hostRuntimeName(): 'node' | 'bun' | 'deno' | 'unknown' {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: { versions?: { node?: string } } };
  if (g.Bun !== undefined) return 'bun';
  if (g.Deno !== undefined) return 'deno';
  if (g.process?.versions?.node !== undefined) return 'node';
  return 'unknown';
}
