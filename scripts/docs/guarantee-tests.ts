// Reads the "test" column of docs/guarantees.md: each cell names test files (`path`, or a bare file
// name resolved beside the last full path or by its unique name) and, after `›`, test titles. A
// guarantee whose test was renamed or removed then fails the suite instead of pointing nowhere.

/** One claim of a guarantee row: this file holds a test (or describe block) with this title. */
export interface TestRef {
  /** The file as the cell writes it. */
  file: string;
  /** The title as written, or undefined when the cell names only the file. */
  title?: string;
  /** 1-based line of docs/guarantees.md. */
  line: number;
}

/** The cells of the last column of every table row that is not a header or separator. */
function testCells(markdown: string): Array<{ cell: string; line: number }> {
  const out: Array<{ cell: string; line: number }> = [];
  let headerSeen = false;
  markdown.split('\n').forEach((text, i) => {
    if (!text.startsWith('|')) {
      headerSeen = false;
      return;
    }
    // Split on pipes that are not escaped (`\|` inside a guarantee's pattern).
    const cells = text
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    if (/^-+$/.test(cells[0] ?? '')) return;
    if (!headerSeen) {
      headerSeen = true; // the header row of this table
      return;
    }
    const last = cells.at(-1);
    if (last) out.push({ cell: last, line: i + 1 });
  });
  return out;
}

/** Every file/title claim in the guarantees page. */
export function guaranteeTestRefs(markdown: string): TestRef[] {
  const refs: TestRef[] = [];
  for (const { cell, line } of testCells(markdown)) {
    let file: string | undefined;
    for (const raw of cell.split(/;\s*|,\s*(?=`)/)) {
      const part = raw.trim();
      const named = /^`([^`]+\.test\.ts)`\s*(?:›\s*(.*))?$/.exec(part);
      if (named) {
        const [, named1 = '', title] = named;
        file = named1;
        refs.push(title?.trim() ? { file, title: title.trim(), line } : { file, line });
        continue;
      }
      const titled = /^›\s*(.+)$/.exec(part);
      if (titled && file !== undefined) refs.push({ file, title: (titled[1] as string).trim(), line });
    }
  }
  return refs;
}

/**
 * Whether a test file's source holds the title: `…` stands for text left out (a title cut short,
 * or several titles named at once), and placeholders (`%s`, `%d`, `$name`) match anything, as
 * vitest's `each` titles are written; every piece between must be in the file.
 */
export function sourceHasTitle(source: string, title: string): boolean {
  const unescaped = title.replace(/\\\|/g, '|');
  return unescaped
    .split(/…|%[sdifjo#%]|\$[A-Za-z_][A-Za-z0-9_.]*/)
    .map((piece) => piece.trim().replace(/^,\s*/, ''))
    .every((piece) => piece === '' || source.includes(piece));
}
