/** Generated documentation of the configuration: `.env.example` and the README table. */
import type { VarDef } from './define.js';
import { varsByGroup } from './schema.js';

export const README_START = '<!-- config-table:start -->';
export const README_END = '<!-- config-table:end -->';
export const REGENERATE_COMMAND = 'npm run docs:config';

function notes(def: VarDef): string[] {
  const out: string[] = [];
  if (def.isNew) out.push('New in Clara (not in MyPalClara).');
  if (def.deprecated) out.push(`Deprecated: ${def.deprecated}.`);
  if (def.secret) out.push('Secret: never printed or logged.');
  return out;
}

/** `.env.example`: every variable grouped, with its description and default; secrets left empty. */
export function renderEnvExample(): string {
  const lines = [
    '# Clara configuration. Copy this file to .env and set what you need.',
    `# Generated from src/config/schema by \`${REGENERATE_COMMAND}\`: edit the schema, not this file.`,
    '# Every variable is optional; an empty value means "use the default".',
    '# Real environment variables win over this file. Set CLARA_ENV_FILE to load another file.',
  ];
  for (const { group, vars } of varsByGroup()) {
    lines.push('', `# ${'='.repeat(76)}`, `# ${group}`, `# ${'='.repeat(76)}`);
    for (const def of vars) {
      lines.push('', `# ${def.description}`);
      for (const note of notes(def)) lines.push(`# ${note}`);
      if (def.secret) {
        lines.push(`${def.name}=`);
      } else {
        lines.push(`# Default: ${def.defaultDoc === '' ? '(empty)' : def.defaultDoc}`);
        lines.push(`# ${def.name}=${def.defaultValue === undefined ? '' : def.defaultDoc}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Escapes text for a Markdown table cell (pipes, and angle brackets that would read as HTML). */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The README configuration table (Markdown). */
export function renderConfigTable(): string {
  const lines = [
    `Generated from \`src/config/schema\` by \`${REGENERATE_COMMAND}\`; \`.env.example\` lists the same variables.`,
    'Empty values mean "use the default". *new* marks variables that MyPalClara did not have.',
    '',
    '| Group | Variable | Default | Description |',
    '|---|---|---|---|',
  ];
  for (const { group, vars } of varsByGroup()) {
    for (const def of vars) {
      const name = `\`${def.name}\`${def.isNew ? ' *new*' : ''}`;
      // Plain defaults are shown as code; computed or explained ones (e.g. "value of PORT") as prose.
      const defaultCell =
        def.defaultValue === undefined || def.defaultDoc === '' ? def.defaultDoc : `\`${def.defaultDoc}\``;
      const extra = [
        def.secret ? '**Secret.**' : '',
        def.deprecated ? `**Deprecated:** ${def.deprecated}.` : '',
      ].filter(Boolean);
      const description = [def.description, ...extra].join(' ');
      lines.push(`| ${group} | ${name} | ${cell(defaultCell)} | ${cell(description)} |`);
    }
  }
  return lines.join('\n');
}

/** Replaces the text between the README markers; everything outside them is kept byte for byte. */
export function replaceReadmeSection(readme: string, table: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(
      `README.md must contain ${README_START} followed by ${README_END}; add both markers where the configuration table belongs.`,
    );
  }
  return `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`;
}
