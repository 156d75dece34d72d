// Reading the docs' own words for the scripts that follow them as a user would
// (scripts/registry-test.mjs): a section, its fenced blocks, the commands of a shell block, and
// the MCP server configs a page shows.

/** The text of the section whose heading starts with `heading` (e.g. "## 2."), up to the next heading of that level. */
export function section(markdown, heading) {
  const level = heading.match(/^#+/)?.[0] ?? '##';
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`no section "${heading}"`);
  const next = lines.findIndex((l, i) => i > start && new RegExp(`^${level} `).test(l));
  return lines.slice(start, next < 0 ? undefined : next).join('\n');
}

/** The bodies of the fenced blocks of `lang` (the fence's first word) in `markdown`, in order. */
export function codeBlocks(markdown, lang) {
  const blocks = [];
  const fence = /^```(\S*)[^\n]*\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(fence)) if (m[1] === lang) blocks.push(m[2]);
  return blocks;
}

/** A shell block's commands: one per line, `# comments` and blank lines dropped. */
export function runLines(block = '') {
  return block
    .split('\n')
    .map((l) =>
      l
        .replace(/\s+#.*$/, '')
        .replace(/^#.*$/, '')
        .trim(),
    )
    .filter(Boolean);
}

/**
 * The MCP server configs a page shows: each `claude mcp add NAME -- CMD ARGS...` line of its `sh`
 * blocks and each `mcpServers` entry of its `json` blocks, as `{ label, command, args }`, with
 * `replace`'s placeholders (e.g. `/path/to/repo`) put in.
 */
export function mcpConfigs(markdown, replace = {}) {
  const put = (s) => Object.entries(replace).reduce((acc, [from, to]) => acc.split(from).join(to), s);
  const configs = [];
  for (const block of codeBlocks(markdown, 'sh')) {
    for (const line of runLines(block)) {
      const m = /^claude mcp add (?!--transport)\S+ -- (.+)$/.exec(line);
      if (!m) continue;
      const [command, ...args] = put(m[1]).split(/\s+/);
      configs.push({ label: `claude mcp add ... -- ${m[1]}`, command, args });
    }
  }
  for (const block of codeBlocks(markdown, 'json')) {
    let parsed;
    try {
      parsed = JSON.parse(block);
    } catch {
      continue;
    }
    for (const [name, server] of Object.entries(parsed.mcpServers ?? {})) {
      if (!server.command) continue;
      configs.push({
        label: `mcpServers.${name} {"command": "${server.command}", "args": ${JSON.stringify(server.args ?? [])}}`,
        command: put(server.command),
        args: (server.args ?? []).map(put),
      });
    }
  }
  return configs;
}
