import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARS,
  README_END,
  README_START,
  renderConfigTable,
  renderEnvExample,
  replaceReadmeSection,
} from './index.js';

const repoFile = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));
const OUT_OF_SYNC = 'is out of sync with src/config/schema: run `npm run docs:config`';

describe('generated docs are in sync with the schema', () => {
  it('.env.example', () => {
    const actual = fs.existsSync(repoFile('.env.example'))
      ? fs.readFileSync(repoFile('.env.example'), 'utf8')
      : '';
    expect(actual, `.env.example ${OUT_OF_SYNC}`).toBe(renderEnvExample());
  });

  it('README configuration table', () => {
    const readme = fs.readFileSync(repoFile('README.md'), 'utf8');
    expect(readme, `README.md ${OUT_OF_SYNC}`).toBe(replaceReadmeSection(readme, renderConfigTable()));
  });
});

describe('renderEnvExample', () => {
  const text = renderEnvExample();

  it('documents every variable once, with secrets empty and nothing else set', () => {
    for (const def of CONFIG_VARS) {
      const assignments = text.split('\n').filter((line) => new RegExp(`^#? ?${def.name}=`).test(line));
      expect(assignments, def.name).toHaveLength(1);
    }
    const parsed = dotenv.parse(text);
    const secrets = CONFIG_VARS.filter((def) => def.secret).map((def) => def.name);
    expect(Object.keys(parsed).sort()).toEqual([...secrets].sort());
    expect(Object.values(parsed).every((value) => value === '')).toBe(true);
  });

  it('shows description, default, and new/deprecated markers', () => {
    expect(text).toContain(
      '# Chat LLM provider: openrouter, nanogpt, openai (any OpenAI-compatible endpoint) or anthropic.\n# Default: openrouter\n# LLM_PROVIDER=openrouter',
    );
    expect(text).toMatch(/# New in Clara \(not in MyPalClara\)\.\n# Default: 30\n# SESSION_IDLE_MINUTES=30/);
    expect(text).toMatch(/# Deprecated: .*\n# Default: openai\n# TOOL_FORMAT=openai/);
    expect(text).toMatch(/# Default: value of OPENROUTER_MODEL\n# OPENROUTER_MODEL_MID=\n/);
  });
});

describe('renderConfigTable', () => {
  const table = renderConfigTable();

  it('has one row per variable with group, default and description; marks new ones', () => {
    const rows = table.split('\n').filter((line) => /^\| (?!Group|---)/.test(line));
    expect(rows).toHaveLength(CONFIG_VARS.length);
    expect(table).toContain('| LLM | `LLM_FALLBACK_PROVIDERS` *new* |  | Providers tried in order');
    expect(table).toContain('| Web | `DISCORD_MONITOR_PORT` | `8001` |');
    expect(table).toMatch(/\| `OPENROUTER_API_KEY` \| {2}\| .*\*\*Secret\.\*\* \|/);
    expect(table).toContain('personalities/&lt;name&gt;.md');
  });
});

describe('replaceReadmeSection', () => {
  it('replaces only the text between the markers', () => {
    const readme = `# T\n\nbefore\n${README_START}\nold\n${README_END}\nafter\n`;
    expect(replaceReadmeSection(readme, 'NEW')).toBe(
      `# T\n\nbefore\n${README_START}\nNEW\n${README_END}\nafter\n`,
    );
  });

  it('explains what is missing when the markers are absent', () => {
    expect(() => replaceReadmeSection('# no markers', 'x')).toThrow(
      /must contain <!-- config-table:start -->/,
    );
  });
});
