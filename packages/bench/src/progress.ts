/** The benchmark's progress line: a bar on a terminal, one plain line per run elsewhere. */

/** `[#######.............]  7/60  W2 poll:backoff` for a terminal (redrawn with `\r`). */
export function progressBar(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}  ${label}`;
}

/** `7/60 W2 poll:backoff: makespan 267.8 s` for logs (no terminal). */
export function progressLine(done: number, total: number, label: string, makespanMs: number): string {
  return `${done}/${total} ${label}: makespan ${(makespanMs / 1000).toFixed(1)} s`;
}
