import { describe, expect, test } from 'vitest';
import {
  BUILTIN_SCENARIO_NAMES,
  builtinScenario,
  InvalidScenarioError,
  jobCommand,
  parseScenario,
  parseScenarioText,
  taskGraph,
} from './index.ts';

const GOOD_YAML = `name: mine
prompt: Build it.
jobs:
  - id: build
    durationS: 2
  - id: test
    durationS: 3
    after: [build]
think:
  - id: plan
    text: Planning.
    outputTokens: 40
final:
  text: Done.
`;

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (InvalidScenarioError.isInstance(error)) return { issues: error.issues, message: error.message };
    throw error;
  }
  throw new Error('expected an InvalidScenarioError');
}

describe('scenarios', () => {
  test('a YAML file loads with defaults filled in', () => {
    const s = parseScenarioText(GOOD_YAML, { source: 'mine.yaml' });
    expect(s.jobs[1]).toMatchObject({ id: 'test', after: ['build'], exitCode: 0 });
    expect(s.policy.poll).toBe('every_turn');
  });

  test('a bad field in YAML names the field and its line', () => {
    const { issues, message } = issuesOf(() =>
      parseScenarioText(GOOD_YAML.replace('durationS: 3', 'durationS: soon'), { source: 'mine.yaml' }),
    );
    expect(issues[0]).toMatchObject({ path: 'jobs[1].durationS', line: 7 });
    expect(message).toContain('mine.yaml');
    expect(message).toContain('jobs[1].durationS (line 7)');
  });

  test('a reference to an unknown id in JSON names the field, its line and the known ids', () => {
    const json = JSON.stringify(
      {
        name: 'x',
        prompt: 'p',
        jobs: [
          { id: 'a', durationS: 1 },
          { id: 'b', durationS: 1, after: ['c'] },
        ],
        final: { text: 'd' },
      },
      null,
      2,
    );
    const { issues } = issuesOf(() => parseScenarioText(json, { source: 'x.json' }));
    expect(issues[0]?.path).toBe('jobs[1].after[0]');
    expect(issues[0]?.message).toContain('unknown id "c"; known ids: a, b');
    expect(issues[0]?.line).toBe(json.split('\n').findIndex((l) => l.includes('"c"')) + 1);
  });

  test('a missing field points at the object that lacks it', () => {
    const { issues } = issuesOf(() => parseScenarioText(GOOD_YAML.replace('final:\n  text: Done.\n', ''), { source: 'm.yaml' }));
    expect(issues[0]).toMatchObject({ path: 'final', message: 'required field is missing', line: 1 });
  });

  test('broken JSON and YAML syntax give the line', () => {
    expect(issuesOf(() => parseScenarioText('{\n  "name": "x",\n  oops\n}', { source: 'b.json' })).issues[0]?.path).toBe(
      '(file)',
    );
    const yaml = issuesOf(() => parseScenarioText('name: x\njobs: [a, b\n', { source: 'b.yaml' }));
    expect(yaml.issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  test('dependency cycles are rejected', () => {
    const { message } = issuesOf(() =>
      parseScenario({
        name: 'c',
        prompt: 'p',
        jobs: [
          { id: 'a', durationS: 1, after: ['b'] },
          { id: 'b', durationS: 1, after: ['a'] },
        ],
        final: { text: 'x' },
      }),
    );
    expect(message).toContain('dependency cycle: a -> b -> a');
  });

  test('every built-in scenario is valid; an unknown name lists the known ones', () => {
    for (const name of BUILTIN_SCENARIO_NAMES) expect(builtinScenario(name).name).toBe(name);
    expect(BUILTIN_SCENARIO_NAMES[0]).toBe('default');
    expect(issuesOf(() => builtinScenario('nope')).message).toContain('known: default, independent');
  });

  test('the task graph gives durations at scale, dependencies and think costs; commands run on both clocks', () => {
    const graph = taskGraph(builtinScenario('default'), { scale: 0.5 });
    expect(graph.jobs.map((j) => [j.id, j.durationMs, j.after])).toEqual([
      ['install', 1000, []],
      ['lint', 500, ['install']],
      ['test', 1500, ['install']],
      ['build', 1000, ['install']],
    ]);
    expect(graph.think.map((t) => t.outputTokens)).toEqual([60, 150, 80]);
    const lint = builtinScenario('early-failure').jobs[0]!;
    expect(jobCommand(lint, 0.1)).toBe('sleep 0.5 && echo "src/app.ts:12:3 error: unused variable tmp" && exit 1');
  });
});
