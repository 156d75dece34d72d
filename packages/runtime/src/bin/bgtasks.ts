#!/usr/bin/env node
// bgtasks: lists, follows and kills the durable jobs agents left running on this machine.
import process from 'node:process';
import { runJobsCli } from '../jobs-cli.ts';

const code = await runJobsCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
process.exitCode = code;
