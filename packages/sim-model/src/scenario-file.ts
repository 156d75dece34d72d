/**
 * Loads scenarios from JSON or YAML text. Both go through the YAML parser (JSON is YAML), which
 * keeps the source position of every node, so each problem names its field and line.
 */
import { isNode, LineCounter, parseDocument, visit } from 'yaml';
import { InvalidScenarioError, type ScenarioIssue } from './errors.ts';
import { checkScenario, formatPath, type Scenario } from './scenario.ts';

/** Options of {@link parseScenarioText}. */
export interface ParseScenarioTextOptions {
  /** File name for messages; its extension picks the format when `format` is not given. */
  source?: string;
  format?: 'json' | 'yaml';
}

/**
 * Longest scenario text accepted, in characters: 1 MiB. Real scenarios are a few KB; a bigger
 * file is refused before it is parsed.
 */
export const MAX_SCENARIO_CHARS = 1_048_576;

/**
 * Most alias expansions when a YAML scenario is turned into data. Bounds the "billion laughs"
 * alias bomb (the `yaml` package's own default is 100 as well; set here so it cannot drift).
 */
export const MAX_SCENARIO_ALIASES = 100;

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parses and validates a scenario from JSON or YAML text.
 * @throws InvalidScenarioError whose issues name the field and line of each problem.
 * @example
 * const scenario = parseScenarioText(await readFile('my.yaml', 'utf8'), { source: 'my.yaml' });
 */
export function parseScenarioText(text: string, options: ParseScenarioTextOptions = {}): Scenario {
  const source = options.source;
  const fail = (issue: ScenarioIssue): never => {
    throw new InvalidScenarioError([issue], source === undefined ? {} : { source });
  };
  if (text.length > MAX_SCENARIO_CHARS) {
    fail({
      path: '(file)',
      message: `the file has ${text.length} characters; a scenario may have at most ${MAX_SCENARIO_CHARS}`,
      line: lineOfOffset(text, MAX_SCENARIO_CHARS),
    });
  }
  if (text.trim() === '')
    fail({ path: '(file)', message: 'the file is empty; a scenario needs name, prompt, jobs and final', line: 1 });
  const format = options.format ?? (source?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /position (\d+)/.exec(message);
      const line = /line (\d+)/.exec(message);
      const issue: ScenarioIssue = { path: '(file)', message: `not valid JSON: ${message}` };
      const first = text.search(/\S/);
      if (line) issue.line = Number(line[1]);
      else if (at) issue.line = lineOfOffset(text, Number(at[1]));
      // Some engines give no position; when the text does not even start like JSON, that is where.
      else if (first >= 0 && !/^(\{|\[|"|-?\d|true\b|false\b|null\b)/.test(text.slice(first, first + 5)))
        issue.line = lineOfOffset(text, first);
      throw new InvalidScenarioError([issue], source === undefined ? {} : { source });
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      path: '(file)',
      message: `not valid ${format.toUpperCase()}: ${e.message.split('\n')[0]}`,
      line: lineCounter.linePos(e.pos[0]).line,
    }));
    throw new InvalidScenarioError(issues, source === undefined ? {} : { source });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_SCENARIO_ALIASES });
  } catch (error) {
    let line = 1;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    const why =
      error instanceof ReferenceError ? `too many aliases (more than ${MAX_SCENARIO_ALIASES} expansions)` : String(error);
    return fail({ path: '(file)', message: `${why}; write the values out instead`, line });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const line = isNode(doc.contents) && doc.contents.range ? lineCounter.linePos(doc.contents.range[0]).line : 1;
    fail({
      path: '(file)',
      message: `expected a mapping of scenario fields (name, prompt, jobs, final, ...), got ${kindOf(value)}`,
      line,
    });
  }
  const result = checkScenario(value);
  if (result.scenario) return result.scenario;
  const issues = result.issues.map((issue): ScenarioIssue => {
    // The deepest node that exists on the path: a missing field points at its parent object.
    for (let n = issue.path.length; n >= 0; n--) {
      const node = doc.getIn(issue.path.slice(0, n), true);
      if (isNode(node) && node.range) {
        return { path: formatPath(issue.path), message: issue.message, line: lineCounter.linePos(node.range[0]).line };
      }
    }
    return { path: formatPath(issue.path), message: issue.message };
  });
  throw new InvalidScenarioError(issues, source === undefined ? {} : { source });
}
