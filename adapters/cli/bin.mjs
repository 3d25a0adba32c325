#!/usr/bin/env node
// Latchkey ships as TypeScript; tsx lets Node 20 run it without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
