// `npm run sim` (bgtasks-sim) as a subprocess on the runtime the suite runs on: --help lists
// every flag with its default, bad input exits 2 with one line, and it serves until SIGINT
// (exit 130) or SIGTERM (exit 143), as the other bins.
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';

const host = createRuntime();
const shellQuote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;

/** Runs the bin through the runtime's own spawn (sim-model code never imports child_process). */
async function sim(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = runtimeCommand(runtime, bin, args);
  const child = host.spawn(`exec ${[cmd, ...argv].map(shellQuote).join(' ')}`, {});
  const read = async (stream: AsyncIterable<Uint8Array>) => {
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
    return text;
  };
  const [stdout, stderr, status] = await Promise.all([read(child.stdout), read(child.stderr), child.exited]);
  return { code: status.code ?? 1, stdout, stderr };
}

describe.concurrent(`bgtasks-sim on ${runtime}`, () => {
  test('--help exits 0 and lists every flag with its default', async () => {
    const r = await sim(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--port', '--host', '--scenario', '--scale', '--poll', '--seed', '--api-key', '--help', '--version'])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).not.toContain('--poll-policy');
    // True where the bin is installed: the usage line names the bin, not an npm script.
    expect(r.stdout).toMatch(/^Usage: bgtasks-sim \[options\]/m);
    expect(r.stdout.match(/\(default: /g)?.length).toBe(7);
  });

  test.each([
    ['a scale that is not a number', ['--scale', 'abc'], /--scale must be a number more than 0 and at most 10, got "abc"/],
    ['a zero scale', ['--scale', '0'], /--scale must be a number more than 0/],
    ['the old --poll-policy spelling', ['--poll-policy', 'backoff'], /Unknown option '--poll-policy'; see --help/],
    ['an unknown poll policy', ['--poll', 'often'], /--poll must be one of every_turn, backoff, bg_wait/],
    ['a port out of range', ['--port', '70000'], /--port must be a whole number at least 0 and at most 65535/],
    ['a seed that is not whole', ['--seed', '1.5'], /--seed must be a whole number/],
    ['a missing scenario file', ['--scenario', 'nope.yaml'], /--scenario: cannot read nope.yaml: no such file/],
    ['an unknown scenario name', ['--scenario', 'bogus'], /"bogus" is neither a built-in scenario/],
    ['an endless scenario file', ['--scenario', '/dev/zero'], /larger than 1048576 bytes/],
    ['a host that is not loopback', ['--host', '0.0.0.0'], /not loopback/],
    ['a stray argument', ['serve'], /Unexpected argument 'serve'/],
  ])('%s exits 2 with one line', async (_name, args, message) => {
    const r = await sim(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^bgtasks-sim: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('serves the scenario on loopback, answers a request, and exits on %s with %i', async (signal, code) => {
    const [cmd, argv] = runtimeCommand(runtime, bin, ['--scenario', 'chain', '--scale', '0.01']);
    const child = host.spawn(`exec ${[cmd, ...argv].map(shellQuote).join(' ')}`, {});
    const errText = (async () => {
      let text = '';
      for await (const chunk of child.stderr) text += new TextDecoder().decode(chunk);
      return text;
    })();
    const decoder = new TextDecoder();
    let out = '';
    let url: string | undefined;
    const reader = child.stdout[Symbol.asyncIterator]();
    while (!url) {
      const { value, done } = await reader.next();
      if (done) break;
      out += decoder.decode(value);
      url = /at (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
    }
    expect(url).toBeDefined();
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { type: string }).type).toBe('message');
    child.kill(signal);
    expect((await child.exited).code).toBe(code);
    // Nothing on stderr: on Deno, no "Deno.serve: request.signal aborts on successful responses" warning.
    expect(await errText).toBe('');
  });
});
