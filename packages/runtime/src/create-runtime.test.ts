import { createRuntime, hostRuntimeName, hostRuntimeVersion, RUNTIME_ENTRY } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';

describe('createRuntime', () => {
  test('export conditions load the entry file of the runtime the suite runs on', () => {
    expect(RUNTIME_ENTRY).toBe(hostRuntimeName());
    expect(createRuntime().name).toBe(hostRuntimeName());
  });
});

describe('hostRuntimeVersion', () => {
  test("is this runtime's own version", () => {
    const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
    const expected = g.Bun?.version ?? g.Deno?.version.deno ?? process.versions.node;
    expect(hostRuntimeVersion()).toBe(expected);
    expect(hostRuntimeVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
