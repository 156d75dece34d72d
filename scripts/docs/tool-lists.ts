/**
 * The one list of tools the documentation shows, rendered from the tool descriptors themselves
 * (the strategies' tool sets and the MCP server's own tools/list), so a new tool appears on every
 * page at once. A page marks each list: `<!-- tools:NAME -->...<!-- /tools -->`, NAME one of
 * `block`, `poll`, `inject`, `background` (every background tool, the MCP server's) or
 * `mcp-table`; any other name (`subset`) marks a deliberate hand-written subset, left as it is. `tool-lists.test.ts` fails when a region is stale or a page lists tools without
 * a marker. Rewrite every region with:
 *   node --conditions=@bgtasks/source --import tsx scripts/docs/tool-lists.ts --write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackgroundExecutor } from '@bgtasks/core';
import { createMcpServer } from '@bgtasks/mcp';
import { createRuntime } from '@bgtasks/runtime';
import { STRATEGIES, toolsFor } from '@bgtasks/strategies';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { documentationFiles } from './snippets.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A tool as a page shows it: its name, what it does (the first sentence of its description), MCP's taskSupport. */
export interface ListedTool {
  name: string;
  summary: string;
  taskSupport?: string;
}

/** The tools of each strategy and of the MCP server, from the live descriptors. */
export async function toolCatalog(): Promise<Record<string, ListedTool[]>> {
  const executor = new BackgroundExecutor(createRuntime());
  try {
    const catalog: Record<string, ListedTool[]> = {};
    for (const strategy of STRATEGIES) {
      catalog[strategy] = toolsFor(strategy, executor).tools.map((t) => ({ name: t.name, summary: summaryOf(t.description) }));
    }
    const session = createMcpServer({ executor, closeExecutor: false, notices: false });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await session.server.connect(serverSide);
    const client = new Client({ name: 'tool-lists', version: '0' });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    catalog.background = tools.map((t) => ({
      name: t.name,
      summary: summaryOf(t.description ?? ''),
      taskSupport: (t.execution as { taskSupport?: string } | undefined)?.taskSupport ?? 'forbidden',
    }));
    await client.close();
    await session.close();
    return catalog;
  } finally {
    await executor.close();
  }
}

/** The first sentence, with `<bg_notice ...>` and the like in code spans (markdown would eat them as HTML). */
function summaryOf(description: string): string {
  const first = /^[\s\S]*?\.(?=\s+[A-Z]|$)/.exec(description)?.[0] ?? description;
  return first
    .replace(/\.$/, '')
    .replace(/<[^>]+>/g, (tag) => `\`${tag}\``)
    .replace(/\|/g, '\\|');
}

/** The text of each region name. */
export function renderRegions(catalog: Record<string, ListedTool[]>): Record<string, string> {
  const names = (tools: ListedTool[] = []) => tools.map((t) => `\`${t.name}\``).join(', ');
  const background = catalog.background ?? [];
  const rows = background.map((t) => [`\`${t.name}\``, `\`${t.taskSupport}\``, t.summary]);
  const header = ['tool', '`execution.taskSupport`', 'what it does'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  return {
    block: names(catalog.block),
    poll: names(catalog.poll),
    inject: names(catalog.inject),
    background: names(background),
    'mcp-table': `\n${table}\n`,
  };
}

const REGION = /<!-- tools:([a-z-]+) -->([\s\S]*?)<!-- \/tools -->/g;

/** `markdown` with every region's text replaced by its rendering; unknown names are left as they are. */
export function applyRegions(markdown: string, regions: Record<string, string>): string {
  return markdown.replace(REGION, (whole, name: string) =>
    regions[name] === undefined ? whole : `<!-- tools:${name} -->${regions[name]}<!-- /tools -->`,
  );
}

/** The regions of a page: `[name, text]`. */
export function regionsOf(markdown: string): Array<[string, string]> {
  return [...markdown.matchAll(REGION)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

/**
 * Lines that list tools outside a region: a run of code spans joined by commas or "and" that holds
 * `bg_bash` and `bg_kill`, outside fenced code. These are the lists a new tool would miss.
 */
export function unmarkedLists(markdown: string, toolNames: readonly string[]): number[] {
  const lines: number[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    if (fenced) return;
    const outside = text.replace(REGION, '');
    // A list: code spans joined by ", " or " and ", holding bg_bash and bg_kill (every list of the
    // background tools does). Prose that names tools for what they do is not one.
    for (const run of outside.match(/`[a-z_]+`(?:(?:, (?:and )?| and )`[a-z_]+`)+/g) ?? []) {
      const named = (n: string) => toolNames.includes(n) && run.includes(`\`${n}\``);
      if (named('bg_bash') && named('bg_kill')) {
        lines.push(i + 1);
        break;
      }
    }
  });
  return lines;
}

async function main(): Promise<void> {
  const regions = renderRegions(await toolCatalog());
  const write = process.argv.includes('--write');
  let stale = 0;
  for (const file of documentationFiles(root)) {
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    const after = applyRegions(before, regions);
    if (after === before) continue;
    stale++;
    if (write) writeFileSync(path, after);
    console.log(`${write ? 'rewrote' : 'stale:'} ${file}`);
  }
  if (!write && stale > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
