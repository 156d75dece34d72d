// The tools every page lists come from one rendering of the live descriptors (tool-lists.ts): a
// page whose list is stale, or that lists tools without the marker, fails here, and so does
// `bgtasks-mcp --help` if it leaves a tool out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP } from '@bgtasks/mcp';
import { beforeAll, describe, expect, test } from 'vitest';
import { documentationFiles } from './snippets.ts';
import { applyRegions, type ListedTool, regionsOf, renderRegions, toolCatalog, unmarkedLists } from './tool-lists.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
let catalog: Record<string, ListedTool[]>;
let regions: Record<string, string>;

beforeAll(async () => {
  catalog = await toolCatalog();
  regions = renderRegions(catalog);
});

describe('the tool lists of the documentation', () => {
  test('come from the descriptors: every background tool, bg_write included, and bg_bash task-capable on MCP', () => {
    const background = catalog.background ?? [];
    expect(background.map((t) => t.name)).toEqual(expect.arrayContaining(['bg_bash', 'bg_kill', 'bg_write']));
    expect(background.find((t) => t.name === 'bg_bash')?.taskSupport).toBe('optional');
    expect(catalog.block?.map((t) => t.name)).toEqual(['bash']);
    expect(regions['mcp-table']).toContain('| `bg_write`');
  });

  test('every marked list on every page is the current rendering (else: npm run docs:tools)', () => {
    const stale = documentationFiles(root).filter((file) => applyRegions(read(file), regions) !== read(file));
    expect(stale).toEqual([]);
  });

  test('no page lists the background tools outside a marked list', () => {
    const names = (catalog.background ?? []).map((t) => t.name);
    const unmarked = documentationFiles(root).flatMap((file) => unmarkedLists(read(file), names).map((l) => `${file}:${l}`));
    expect(unmarked).toEqual([]);
  });

  test('the pages that list tools mark them: your-agent, anthropic, ai-sdk, agent-cli, mcp, README', () => {
    for (const file of [
      'docs/your-agent.md',
      'docs/anthropic.md',
      'docs/ai-sdk.md',
      'docs/agent-cli.md',
      'docs/mcp.md',
      'README.md',
    ]) {
      expect(regionsOf(read(file)).length, file).toBeGreaterThan(0);
    }
  });

  test('a hand-written list of bg_bash ... bg_kill is found, and a marked one is not', () => {
    const names = ['bg_bash', 'check_bg', 'bg_kill'];
    expect(unmarkedLists('x\n- `bg_bash`, `check_bg`, `bg_kill`\n', names)).toEqual([2]);
    expect(unmarkedLists('<!-- tools:poll -->`bg_bash`, `bg_kill`<!-- /tools -->\n', names)).toEqual([]);
    expect(unmarkedLists('```\n`bg_bash`, `bg_kill`\n```\n', names)).toEqual([]);
    expect(unmarkedLists('x `bg_bash` answers at once; later `bg_kill` stops it\n', names)).toEqual([]);
    expect(unmarkedLists('`bg_bash`, `check_bg` and `bg_kill`\n', names)).toEqual([1]);
  });

  test('bgtasks-mcp --help names every tool it serves', () => {
    const line = HELP.split('\n\n').find((p) => p.startsWith('Tools:')) ?? '';
    for (const tool of catalog.background ?? []) expect(line, tool.name).toContain(tool.name);
  });
});
