// Hostile scenario files: not JSON or YAML at all, a YAML alias bomb, a 10 MB file, wrong types
// deep inside. Each is an InvalidScenarioError naming the field and the line; none hangs or blows up.
import { describe, expect, test } from 'vitest';
import { InvalidScenarioError, MAX_SCENARIO_CHARS, parseScenarioText, type ScenarioIssue } from './index.ts';

function issuesOf(fn: () => unknown): { issues: readonly ScenarioIssue[]; message: string } {
  try {
    fn();
  } catch (error) {
    if (InvalidScenarioError.isInstance(error)) return { issues: error.issues, message: error.message };
    throw error;
  }
  throw new Error('expected an InvalidScenarioError');
}

const GOOD = `name: mine
prompt: Build it.
jobs:
  - id: build
    durationS: 2
  - id: test
    durationS: 3
    after: [build]
final:
  text: Done.
`;

describe('hostile scenario files', () => {
  test.each([
    ['a sentence (a YAML string, not a mapping)', 'just some words\n', 'x.yaml', '(file)', /got a string$/],
    ['binary bytes', '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u0007', 'x.yaml', '(file)', /got a string$/],
    ['brackets nested 100 000 deep', '['.repeat(100_000), 'x.yaml', '(file)', /not valid YAML: Maximum call stack size exceeded/],
    ['YAML in a .json file', GOOD, 'x.json', '(file)', /not valid JSON/],
    ['a list at the top', '- a\n- b\n', 'x.yaml', '(file)', /expected a mapping of scenario fields .*, got a list$/],
    ['an empty file', '', 'x.yaml', '(file)', /empty/],
  ])('%s', (_, text, source, path, message) => {
    const { issues } = issuesOf(() => parseScenarioText(text, { source }));
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
    expect(issues[0]?.line).toBe(1);
  });

  test('a YAML alias bomb is refused quickly, naming the line of the aliases', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `${GOOD}${levels.map((l) => `x_${l}`).join('\n')}\n`;
    const started = performance.now();
    const { issues, message } = issuesOf(() => parseScenarioText(bomb, { source: 'bomb.yaml' }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(issues[0]).toMatchObject({ path: '(file)', line: 12 });
    expect(message).toMatch(/bomb\.yaml: \(file\) \(line 12\): too many aliases/);
  });

  test('a few ordinary anchors and aliases still load', () => {
    const yaml = GOOD.replace('after: [build]', 'after: &deps [build]\n    label: &l tests').concat('think: []\n');
    expect(parseScenarioText(yaml, { source: 'ok.yaml' }).jobs[1]?.after).toEqual(['build']);
  });

  test('a 10 MB file is refused before parsing, naming the line where it passes the limit', () => {
    const filler = `# ${'x'.repeat(1_000)}\n`;
    const huge = GOOD + filler.repeat(Math.ceil((10 * 1024 * 1024) / filler.length));
    const started = performance.now();
    const { issues } = issuesOf(() => parseScenarioText(huge, { source: 'huge.yaml' }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('(file)');
    expect(issues[0]?.message).toBe(`the file has ${huge.length} characters; a scenario may have at most ${MAX_SCENARIO_CHARS}`);
    expect(issues[0]?.line).toBe(huge.slice(0, MAX_SCENARIO_CHARS).split('\n').length);
  });

  test('wrong types deep inside name the field and its line', () => {
    const yaml = GOOD.replace('after: [build]', 'after: [build, {nested: [1, 2]}]').replace(
      'final:\n  text: Done.',
      'final:\n  text: Done.\npolicy:\n  backoff:\n    factor: "twice"',
    );
    const { issues } = issuesOf(() => parseScenarioText(yaml, { source: 'deep.yaml' }));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'jobs[1].after[1]', line: 8 }),
        expect.objectContaining({ path: 'policy.backoff.factor', line: 13 }),
      ]),
    );
  });
});
