/**
 * What the user watches: on a TTY, the run's events scroll above a status area with one line per
 * background job (id, command, state, elapsed, output bytes) redrawn in place; elsewhere, plain
 * timestamped lines.
 */
import type { AgentEvent } from '@bgtasks/agent';
import type { Executor, Job } from '@bgtasks/core';
import { terminalSafe } from '@bgtasks/runtime/cli';

/** Where the view writes, and what it knows about the terminal. */
export interface ViewSink {
  write(text: string): void;
  isTTY: boolean;
  columns: number;
  color: boolean;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * One line of at most `max` characters, with escape sequences shown rather than sent: commands,
 * tool input and output come from the model and from jobs, and must not drive the terminal.
 */
export function oneLine(value: unknown, max: number): string {
  const text = terminalSafe((typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(/\s+/g, ' ').trim());
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Cuts `text` to `columns` visible characters (ANSI color codes take no room), so no line wraps
 * and the status area can be redrawn by counting lines.
 */
export function fit(text: string, columns: number): string {
  if (text.replace(ANSI, '').length <= columns) return text;
  let visible = 0;
  let out = '';
  for (let i = 0; i < text.length && visible < columns - 1; i++) {
    const code = text[i] === '\x1b' ? new RegExp(`^${ANSI.source}`).exec(text.slice(i))?.[0] : undefined;
    if (code) {
      out += code;
      i += code.length - 1;
      continue;
    }
    out += text[i];
    visible++;
  }
  return `${out}…${out.includes('\x1b') ? '\x1b[0m' : ''}`;
}

/** An ANSI color code (SGR): ESC [ numbers m. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: color codes start with the ESC control character
export const ANSI = /\x1b\[[0-9;]*m/g;

/** Renders agent events and job status. */
export class RunView {
  readonly #sink: ViewSink;
  readonly #executor: Executor;
  readonly #startedAt: number;
  #statusLines = 0;

  constructor(sink: ViewSink, executor: Executor) {
    this.#sink = sink;
    this.#executor = executor;
    this.#startedAt = executor.runtime.now();
  }

  #paint(code: string, text: string): string {
    return this.#sink.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  /** Prints one line of the log (above the status area on a TTY). */
  line(text: string): void {
    const stamp = `[${seconds(this.#executor.runtime.now() - this.#startedAt).padStart(7)}] `;
    if (!this.#sink.isTTY) {
      this.#sink.write(`${stamp}${text}\n`);
      return;
    }
    this.#clearStatus();
    this.#sink.write(`${fit(`${this.#paint('2', stamp)}${text}`, this.#sink.columns)}\n`);
    this.#drawStatus();
  }

  /** Renders one agent event. */
  event(e: AgentEvent): void {
    const width = Math.max(40, this.#sink.columns - 20);
    switch (e.type) {
      case 'turn':
        this.line(this.#paint('36', `turn ${e.turn}: asking the model`));
        break;
      case 'turn_end': {
        const text = (e as { text?: string }).text;
        this.line(`turn ${e.turn}: ${e.stopReason} after ${seconds(e.durationMs)}${text ? `: ${oneLine(text, width)}` : ''}`);
        break;
      }
      case 'tool_call':
        this.line(
          `${this.#paint(e.isError ? '31' : '33', `${e.name}`)} ${oneLine(e.input, width / 2)} -> ${oneLine(e.text, width / 2)}`,
        );
        break;
      case 'job_started':
        this.line(`job ${e.jobId} started: ${oneLine(e.command, width)}`);
        break;
      case 'job_ended':
        this.line(
          this.#paint(e.state === 'completed' ? '32' : '31', `job ${e.jobId} ${e.state}`) +
            `${e.exitCode === null ? '' : ` (exit ${e.exitCode})`} after ${seconds(e.durationMs)}`,
        );
        break;
      case 'notice_delivered':
        this.line(`notice of ${e.jobId} reached the model (${e.via}) ${seconds(e.latencyMs)} after the job ended`);
        break;
      case 'wake':
        this.line(`model idle; woke it (${e.reason}) after ${seconds(e.waitedMs)}`);
        break;
      case 'error':
        this.line(this.#paint('31', `model request failed: ${oneLine(e.message, width)}`));
        break;
      case 'done':
        this.line(`done: ${e.stopReason} after ${e.turns} turns`);
        break;
      default:
        break;
    }
  }

  /** Redraws the status area (call on a timer to keep elapsed times moving). */
  refresh(): void {
    if (!this.#sink.isTTY) return;
    this.#clearStatus();
    this.#drawStatus();
  }

  /** Removes the status area before the summary. */
  finish(): void {
    if (this.#sink.isTTY) this.#clearStatus();
  }

  #statusOf(job: Job): string {
    const now = this.#executor.runtime.now();
    const elapsed = job.startedAt === undefined ? 0 : (job.endedAt ?? now) - job.startedAt;
    const color = job.state === 'running' ? '33' : job.state === 'completed' ? '32' : job.state === 'queued' ? '2' : '31';
    const command = oneLine(job.spec.command, Math.max(10, this.#sink.columns - 50));
    return `  ${job.id.padEnd(14)} ${this.#paint(color, job.state.padEnd(10))} ${seconds(elapsed).padStart(7)} ${bytes(job.output.bytes).padStart(9)}  ${command}`;
  }

  #drawStatus(): void {
    const jobs = this.#executor.list();
    if (jobs.length === 0) return;
    const lines = [
      this.#paint('1', `background jobs (${jobs.filter((j) => j.state === 'running').length} running)`),
      ...jobs.map((j) => this.#statusOf(j)),
    ];
    this.#sink.write(`${lines.map((l) => fit(l, this.#sink.columns)).join('\n')}\n`);
    this.#statusLines = lines.length;
  }

  #clearStatus(): void {
    if (this.#statusLines === 0) return;
    this.#sink.write(`\x1b[${this.#statusLines}A\x1b[0J`);
    this.#statusLines = 0;
  }
}
