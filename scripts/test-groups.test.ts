// The pure-logic list (files run on the `node` pass only) stays pure: every listed file exists and
// none mentions a runtime API, so a test that spawns, listens, signals, sleeps on a real timer or
// fetches cannot slip into it and lose Node 24, Bun and Deno.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ALONE, PURE_LOGIC, runsPureLogic } from './test-groups.ts';
import { defaultLayout } from './test-layout.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

/** What a pure-logic test file may not mention: each is a runtime API or a way to reach one. */
const RUNTIME_APIS =
  /createRuntime|hostRuntimeName|'@bgtasks\/runtime'|node:(child_process|net|http|https|dgram|worker_threads|os)|spawn|execFile|setTimeout|setInterval|process\.|\bBun\b|\bDeno\b|fetch|Response|ReadableStream|Anthropic|@ai-sdk|from 'ai'|listen\(|\/bin\/|redis|bullmq|tmpdir|writeFileSync|mkdtemp|runRealJobs/;

describe('test groups', () => {
  test('every pure-logic file exists, says why it is pure, and mentions no runtime API', () => {
    const offending = Object.entries(PURE_LOGIC).flatMap(([file, why]) => {
      if (!existsSync(join(root, file))) return [`${file}: no such file`];
      if (why.trim() === '') return [`${file}: no reason given`];
      const text = readFileSync(join(root, file), 'utf8');
      const hit = RUNTIME_APIS.exec(text);
      if (hit) return [`${file}: mentions ${hit[0]}`];
      // A bench run on the real clock spawns processes through the host runtime.
      const real = /run(Bench|Workload)\(\{[^}]*clock: 'real'/.exec(text);
      return real ? [`${file}: ${real[0]}`] : [];
    });
    expect(offending).toEqual([]);
  });

  test('the files that run alone exist and are not pure logic', () => {
    for (const file of ALONE) {
      expect(existsSync(join(root, file)), file).toBe(true);
      expect(Object.keys(PURE_LOGIC)).not.toContain(file);
    }
  });

  test('pure logic runs on the node pass and in a direct vitest run, not on the other passes', () => {
    expect([undefined, 'node', 'node24', 'bun', 'deno'].map(runsPureLogic)).toEqual([true, true, false, false, false]);
  });

  test('the layout runs two files at once while the cores have room and one thing at a time on a saturated machine', () => {
    expect(defaultLayout(2, 0.3)).toEqual({ workers: 2, runtimes: 1 });
    expect(defaultLayout(2, 1.5)).toEqual({ workers: 2, runtimes: 1 });
    expect(defaultLayout(2, 30)).toEqual({ workers: 1, runtimes: 1 });
  });
});
