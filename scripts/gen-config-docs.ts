/**
 * Regenerates `.env.example` and the configuration table in README.md from the config schema.
 * Run: npx tsx scripts/gen-config-docs.ts   (npm run docs:config)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigTable, renderEnvExample, replaceReadmeSection } from '../src/config/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const envExample = `${root}.env.example`;
const readme = `${root}README.md`;

writeFileSync(envExample, renderEnvExample());
writeFileSync(readme, replaceReadmeSection(readFileSync(readme, 'utf8'), renderConfigTable()));
console.log(`Wrote ${envExample} and the configuration table in ${readme}.`);
