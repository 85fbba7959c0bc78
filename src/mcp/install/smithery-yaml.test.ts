import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlSubset, readSmitheryStartCommand } from './smithery-yaml.js';

describe('smithery.yaml', () => {
  it('parses the block YAML subset Smithery files use', () => {
    const doc = parseYamlSubset(
      [
        '# comment',
        'startCommand:',
        '  type: stdio',
        '  configSchema:',
        '    type: object',
        '    required: ["apiKey"]',
        '  commandFunction: |-',
        '    (config) => ({ command: "node" })',
        '  command: node',
        '  args:',
        '    - dist/index.js',
        "    - '--port=3'",
        '  env:',
        '    MODE: "fast" # trailing comment',
        'build:',
        '  - dockerBuildPath: .',
        '    other: 2',
      ].join('\n'),
    );
    expect(doc).toEqual({
      startCommand: {
        type: 'stdio',
        configSchema: { type: 'object', required: ['apiKey'] },
        commandFunction: '(config) => ({ command: "node" })',
        command: 'node',
        args: ['dist/index.js', '--port=3'],
        env: { MODE: 'fast' },
      },
      build: [{ dockerBuildPath: '.', other: 2 }],
    });
  });

  it('reads startCommand from a folder, and ignores http or function-only start commands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smithery-yaml-'));
    writeFileSync(
      join(dir, 'smithery.yaml'),
      'startCommand:\n  type: stdio\n  command: node\n  args: [server.js, --x]\n',
    );
    expect(readSmitheryStartCommand(dir)).toEqual({ command: 'node', args: ['server.js', '--x'], env: {} });
    writeFileSync(join(dir, 'smithery.yaml'), 'startCommand:\n  type: http\n  command: node\n');
    expect(readSmitheryStartCommand(dir)).toBeUndefined();
    writeFileSync(
      join(dir, 'smithery.yaml'),
      'startCommand:\n  type: stdio\n  commandFunction: |\n    () => 1\n',
    );
    expect(readSmitheryStartCommand(dir)).toBeUndefined();
  });
});
