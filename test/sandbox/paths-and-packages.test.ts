/** Workspace paths, package specs, the tar codec (against the system's GNU tar) and the DOCKER_HOST parser. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPackageSpec,
  dockerConnection,
  memoryBytes,
  normalisePackageName,
  tarFile,
  untar,
  workspacePath,
} from '../../src/sandbox/index.js';

describe('workspace paths', () => {
  it('resolves relative paths under /workspace and maps the original /home/user', () => {
    expect(workspacePath('a/b.txt')).toBe('/workspace/a/b.txt');
    expect(workspacePath('')).toBe('/workspace');
    expect(workspacePath('./x//y/')).toBe('/workspace/x/y');
    expect(workspacePath('/workspace/z')).toBe('/workspace/z');
    expect(workspacePath('/home/user/data.csv')).toBe('/workspace/data.csv');
  });

  it('refuses .. and absolute paths elsewhere, naming the argument', () => {
    expect(() => workspacePath('../../etc/passwd')).toThrow(/path "..\/..\/etc\/passwd" uses ".."/);
    expect(() => workspacePath('/etc/passwd', 'sandbox_path')).toThrow(
      /sandbox_path "\/etc\/passwd" is outside/,
    );
    expect(() => workspacePath('/workspacex/a')).toThrow(/outside the workspace/);
    expect(() => workspacePath('a\0b')).toThrow(/NUL/);
  });
});

describe('package specs', () => {
  it('normalises names for tracking', () => {
    expect(normalisePackageName('Pandas[excel]>=2.0')).toBe('pandas');
    expect(normalisePackageName('typing_extensions==4.12')).toBe('typing-extensions');
    expect(normalisePackageName('Zope.Interface')).toBe('zope-interface');
  });

  it('accepts requirements and refuses pip options, URLs and lists', () => {
    expect(checkPackageSpec(' requests ')).toBe('requests');
    expect(checkPackageSpec('httpx[http2]>=0.27,<1')).toBe('httpx[http2]>=0.27,<1');
    for (const bad of ['-r /etc/passwd', '--index-url=http://x', 'git+https://evil/x.git', 'a;b', '']) {
      expect(() => checkPackageSpec(bad)).toThrow();
    }
  });
});

describe('tar codec', () => {
  it('writes archives GNU tar extracts, long names included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-tar-'));
    try {
      const long = `${'n'.repeat(150)}/ü.txt`;
      execFileSync('tar', ['-x', '-C', dir], { input: tarFile(long, Buffer.from('contents')) });
      expect(readFileSync(join(dir, long), 'utf8')).toBe('contents');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads what GNU tar writes, in ustar, gnu and pax formats', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-tar-'));
    try {
      execFileSync(
        'sh',
        ['-c', `mkdir -p "${'d'.repeat(120)}" && printf 'abc' > "${'d'.repeat(120)}/f" && ln -s f link`],
        { cwd: dir },
      );
      for (const format of ['gnu', 'pax']) {
        const entries = untar(execFileSync('tar', [`--format=${format}`, '-c', '.'], { cwd: dir }));
        const file = entries.find((e) => e.name.endsWith(`${'d'.repeat(120)}/f`));
        expect(file).toMatchObject({ type: 'file', size: 3 });
        expect(file?.data.toString()).toBe('abc');
        expect(entries.find((e) => e.name.endsWith('link'))).toMatchObject({
          type: 'symlink',
          linkName: 'f',
        });
      }
      const ustar = untar(execFileSync('tar', ['--format=ustar', '-c', 'link'], { cwd: dir }));
      expect(ustar).toMatchObject([{ name: 'link', type: 'symlink' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Docker connection settings', () => {
  it('parses DOCKER_HOST forms and memory sizes', () => {
    expect(dockerConnection(undefined)).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerConnection('unix:///run/user/1000/docker.sock')).toEqual({
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(dockerConnection('tcp://10.0.0.5:2375')).toEqual({
      protocol: 'http',
      host: '10.0.0.5',
      port: 2375,
    });
    expect(dockerConnection('ssh://deploy@host')).toMatchObject({
      protocol: 'ssh',
      host: 'host',
      port: 22,
      username: 'deploy',
    });
    expect(memoryBytes('512m')).toBe(512 * 1024 ** 2);
    expect(memoryBytes('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(() => memoryBytes('lots')).toThrow(/DOCKER_SANDBOX_MEMORY/);
  });
});
