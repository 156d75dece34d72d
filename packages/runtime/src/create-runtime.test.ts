import { createRuntime, hostRuntimeName, RUNTIME_ENTRY } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';

describe('createRuntime', () => {
  test('export conditions load the entry file of the runtime the suite runs on', () => {
    expect(RUNTIME_ENTRY).toBe(hostRuntimeName());
    expect(createRuntime().name).toBe(hostRuntimeName());
  });
});
