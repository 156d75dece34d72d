#!/usr/bin/env node
// The entry point: binds the CLI to this process (argv, env, stdout, exit code).
import process from 'node:process';
import { runCli } from './cli.ts';
import { relaunch } from './relaunch.ts';

const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: {
    write: (text) => void process.stdout.write(text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 100,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  },
  stderr: (text) => void process.stderr.write(text),
  relaunch,
});
process.exitCode = code;
// Anything left (an SDK keep-alive socket, a timer) must not keep a finished CLI alive.
setTimeout(() => process.exit(code), 100).unref?.();
