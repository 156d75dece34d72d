#!/usr/bin/env node
// npx bgtasks-mcp: Node runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
