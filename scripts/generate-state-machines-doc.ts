// Rewrites docs/state-machines.md from the tables in packages/contract/src/state-machines.ts.
// Run with `pnpm tsx scripts/generate-state-machines-doc.ts`; the contract's drift test fails until you do.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stateMachinesMarkdown } from '../packages/contract/src/state-machines.js';

const target = fileURLToPath(new URL('../docs/state-machines.md', import.meta.url));
writeFileSync(target, stateMachinesMarkdown());
console.log(`wrote ${target}`);
