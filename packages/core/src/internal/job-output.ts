/** A running job's output as it arrives: into the bounded buffer, to line listeners, to the full log. */
import type { Runtime } from '../runtime.ts';
import type { Entry } from './job-entry.ts';

/** Reads `stream` (the job's stdout or stderr) to its end. */
export async function collectOutput(runtime: Runtime, entry: Entry, stream: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const chunk of stream) {
      entry.buffer.append(chunk);
      entry.lastOutputAt = runtime.now();
      const listeners = entry.lineListeners;
      if (listeners !== undefined && listeners.size > 0) {
        for (const line of entry.lines.push(chunk)) for (const l of [...listeners]) l(line);
      } else if (entry.spec.ready || entry.spec.stdin === 'pipe') {
        entry.lines.push(chunk);
      }
      // Past the log's high-water mark the reader waits for the disk: memory stays bounded.
      if (entry.log?.append(chunk)) await entry.log.drained();
    }
  } catch {
    // A stream torn down at exit is not an error of the job.
  }
}
