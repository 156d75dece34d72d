/** The peers: other agents' background-job mechanisms as strategies of the benchmark. */
export { claudeCodeStrategy } from './claude-code.ts';
export { CODEX_EXEC_YIELD_MS, CODEX_MAX_EMPTY_YIELD_MS, CODEX_MIN_EMPTY_YIELD_MS, codexStrategy } from './codex.ts';
export { GEMINI_BACKGROUND_DELAY_MS, geminiCliStrategy } from './gemini-cli.ts';
