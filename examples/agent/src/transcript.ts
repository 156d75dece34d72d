/** `--transcript FILE.jsonl`: every event as it happens, then the final conversation, one JSON per line. */
import { appendFileSync, writeFileSync } from 'node:fs';

export class TranscriptWriter {
  readonly path: string;

  /** Creates (or empties) the file at once, so a bad path fails before the run starts. */
  constructor(path: string) {
    this.path = path;
    writeFileSync(path, '');
  }

  write(record: Record<string, unknown>): void {
    appendFileSync(
      this.path,
      `${JSON.stringify(record, (_k, v) => (v instanceof Error ? { name: v.name, message: v.message } : v))}\n`,
    );
  }
}
