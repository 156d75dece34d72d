/**
 * Loads scenarios from JSON or YAML text. Both go through the YAML parser (JSON is YAML), which
 * keeps the source position of every node, so each problem names its field and line.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import { InvalidScenarioError, type ScenarioIssue } from './errors.ts';
import { checkScenario, formatPath, type Scenario } from './scenario.ts';

/** Options of {@link parseScenarioText}. */
export interface ParseScenarioTextOptions {
  /** File name for messages; its extension picks the format when `format` is not given. */
  source?: string;
  format?: 'json' | 'yaml';
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
  const format = options.format ?? (source?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /position (\d+)/.exec(message);
      const line = /line (\d+)/.exec(message);
      const issue: ScenarioIssue = { path: '(file)', message: `not valid JSON: ${message}` };
      if (line) issue.line = Number(line[1]);
      else if (at) issue.line = lineOfOffset(text, Number(at[1]));
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
  const result = checkScenario(doc.toJS());
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
