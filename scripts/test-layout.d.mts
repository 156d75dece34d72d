/** How much of the suite runs at once: files per runtime, and runtimes (scripts/test-all.mjs). */
export interface Layout {
  workers: number;
  runtimes: number;
}

/** See test-layout.mjs. */
export function defaultLayout(cores: number, load: number): Layout;
