/**
 * Finds the code blocks of the documentation (the root README, `docs/**` and the package and
 * example READMEs) and says how each is checked: TypeScript/JavaScript blocks run as written,
 * shell blocks run unless marked `no-run`, `yaml scenario` blocks run through the agent CLI,
 * `fragment` blocks are counted and skipped. New pages are found without a list.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** How a block is checked. */
export type SnippetKind = 'ts' | 'js' | 'sh' | 'scenario' | 'fragment' | 'no-run' | 'other';

/** One fenced code block. */
export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** Line of the opening fence (1-based). */
  line: number;
  /** The info string after the fence, e.g. `ts` or `sh no-run`. */
  info: string;
  kind: SnippetKind;
  code: string;
}

const CODE_LANGS: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js' };
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

function kindOf(info: string): SnippetKind {
  const [lang = '', ...flags] = info.trim().split(/\s+/);
  const code = CODE_LANGS[lang.toLowerCase()];
  if (code) return flags.includes('fragment') ? 'fragment' : code;
  if (SHELL_LANGS.has(lang.toLowerCase())) return flags.includes('no-run') ? 'no-run' : 'sh';
  if (/^ya?ml$/i.test(lang) && flags.includes('scenario')) return 'scenario';
  return 'other';
}

/**
 * The fenced blocks of one Markdown text (backtick or tilde fences of three or more; a block
 * ends at a fence of the same character at least as long, per CommonMark).
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    if (fence[0] === '`' && info.includes('`')) continue; // not a fence: inline code
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j] ?? ''); j++) {
      const l = lines[j] ?? '';
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
    }
    out.push({ file, line: i + 1, info: info.trim(), kind: kindOf(info), code: `${body.join('\n')}\n` });
    i = j;
  }
  return out;
}

/** Names in `dir`, none when it does not exist. */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function markdownUnder(dir: string): string[] {
  return namesIn(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownUnder(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

function readmesOf(dir: string): string[] {
  return namesIn(dir)
    .map((n) => join(dir, n, 'README.md'))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/** Every documentation file, relative to `root`, sorted: README.md, docs/**, packages/* and examples/* READMEs. */
export function documentationFiles(root: string): string[] {
  const files = [
    join(root, 'README.md'),
    ...markdownUnder(join(root, 'docs')),
    ...readmesOf(join(root, 'packages')),
    ...readmesOf(join(root, 'examples')),
  ];
  return files
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile())
    .map((f) => relative(root, f))
    .sort();
}

/** Every block of every documentation file under `root`. */
export function documentationSnippets(root: string): Snippet[] {
  return documentationFiles(root).flatMap((file) => extractSnippets(readFileSync(join(root, file), 'utf8'), file));
}

/** A relative link of a documentation file. */
export interface DocLink {
  file: string;
  line: number;
  /** The target as written, e.g. `../packages/core` or `guarantees.md#delivery`. */
  target: string;
  /** True inside a section marked `<!-- pending-links -->` (pages other work is writing). */
  pending: boolean;
}

/**
 * The relative links (`[text](target)`) of a Markdown text, outside code blocks. A section
 * (up to the next heading) that starts with `<!-- pending-links -->` marks its links pending.
 */
export function extractLinks(markdown: string, file: string): DocLink[] {
  const out: DocLink[] = [];
  let fence: string | undefined;
  let pending = false;
  markdown.split('\n').forEach((text, i) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (f && (fence === undefined || (f[0] === fence[0] && f.length >= fence.length))) {
      fence = fence === undefined ? f : undefined;
      return;
    }
    if (fence !== undefined) return;
    if (/^#{1,6} /.test(text)) pending = false;
    if (text.includes('<!-- pending-links -->')) pending = true;
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      out.push({ file, line: i + 1, target, pending });
    }
  });
  return out;
}

/** The comment that shows what a line of a block prints: `console.log(x); // → 3 completed`. */
const SHOWN_OUTPUT = /\/\/ → (.+)$/;

/**
 * What a block's comments show it prints, in order: the text after `// → ` on each line. `...`
 * stands for any text.
 */
export function shownOutput(code: string): string[] {
  return code
    .split('\n')
    .map((line) => SHOWN_OUTPUT.exec(line)?.[1]?.trim())
    .filter((shown): shown is string => shown !== undefined && shown !== '');
}

/**
 * The shown lines that `stdout` does not print, in order: each must equal a later line of stdout
 * (spaces trimmed), `...` matching any text.
 */
export function missingOutput(shown: readonly string[], stdout: string): string[] {
  const lines = stdout.split('\n').map((l) => l.trim());
  const missing: string[] = [];
  let at = 0;
  for (const expected of shown) {
    const pattern = new RegExp(
      `^${expected
        .split('...')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const found = lines.findIndex((line, i) => i >= at && pattern.test(line));
    if (found < 0) missing.push(expected);
    else at = found + 1;
  }
  return missing;
}
