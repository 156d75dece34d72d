#!/usr/bin/env node
// Turns a request recorded by record-proxy.mjs into a fixture fit to commit: ids of the device
// and session replaced by fixed ones, the working directory by /tmp/project, and every text
// of Claude Code's own longer than MAX_CHARS (the system prompt, tool descriptions, system
// messages, <system-reminder> texts) cut to that length with a marker, so the fixture keeps the
// request's shape (every field, role, block type, tool and schema) without carrying Claude Code's
// prompts. What the model and the tools wrote (tool results, answers) is kept whole.
// Usage: node scripts/claude-code/scrub-fixture.mjs RECORDED.json WORKDIR > fixture.json
import { readFileSync } from 'node:fs';

const MAX_CHARS = 240;
const [file, workdir] = process.argv.slice(2);
if (!file || !workdir) {
  process.stderr.write('usage: scrub-fixture.mjs RECORDED.json WORKDIR\n');
  process.exit(2);
}
const recorded = JSON.parse(readFileSync(file, 'utf8'));
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const HEX64 = /\b[0-9a-f]{64}\b/g;

function scrubString(text, cut) {
  const out = text
    .split(workdir)
    .join('/tmp/project')
    .replace(UUID, '00000000-0000-4000-8000-000000000000')
    .replace(HEX64, '0'.repeat(64));
  return cut && out.length > MAX_CHARS ? `${out.slice(0, MAX_CHARS)} [... cut for the fixture]` : out;
}

/** `cut`: the value is Claude Code's own prose (system prompt, system message, reminder, description). */
function scrub(value, key, cut) {
  if (typeof value === 'string') return scrubString(value, cut && (key === 'text' || key === 'content' || key === 'description'));
  if (Array.isArray(value)) return value.map((v) => scrub(v, key, cut));
  if (value && typeof value === 'object') {
    const own = cut || value.role === 'system' || (typeof value.text === 'string' && value.text.startsWith('<system-reminder>'));
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, scrub(v, k, own || k === 'system' || k === 'description')]),
    );
  }
  return value;
}

const { method = 'POST', url, path = url, headers = {} } = recorded;
const anthropic = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('anthropic-')));
process.stdout.write(`${JSON.stringify({ method, path, headers: anthropic, body: scrub(recorded.body, '', false) }, null, 2)}\n`);
