import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultServerName, parseInstallSource, validateServerName } from './source.js';

describe('parseInstallSource', () => {
  it.each([
    ['smithery-hosted:@acme/weather', 'smithery-hosted'],
    ['smithery:@acme/weather', 'smithery'],
    ['/opt/servers/x', 'local'],
    ['./x', 'local'],
    ['../x', 'local'],
    ['~/x', 'local'],
    ['https://github.com/acme/mcp-server-things', 'github'],
    ['github.com/acme/things.git', 'github'],
    ['acme/things', 'github'],
    ['git+https://example.org/acme/things.git', 'github'],
    ['file:///tmp/repos/things', 'github'],
    ['ghcr.io/acme/server:1.0', 'docker'],
    ['docker:mcp/fetch', 'docker'],
    ['@modelcontextprotocol/server-everything', 'npm'],
    ['tavily-mcp', 'npm'],
    ['tavily-mcp@1.2.3', 'npm'],
    ['npm:./pkg-1.0.0.tgz', 'npm'],
    ['https://mcp.example.com/mcp', 'remote'],
    ['https://example.org/acme/things.git', 'github'],
  ])('%s → %s', (source, kind) => {
    expect(parseInstallSource(source, { cwd: '/work' }).kind).toBe(kind);
  });

  it('resolves local paths from cwd and ~ from the home folder', () => {
    expect(parseInstallSource('./srv', { cwd: '/work' })).toMatchObject({ path: '/work/srv' });
    expect(parseInstallSource('~/srv')).toMatchObject({ path: `${homedir()}/srv` });
  });

  it('reads GitHub owner/repo, branch and the clone URL', () => {
    expect(parseInstallSource('https://github.com/acme/things/tree/dev')).toMatchObject({
      cloneUrl: 'https://github.com/acme/things.git',
      repo: 'things',
      ref: 'dev',
    });
    expect(parseInstallSource('acme/things#v1.2')).toMatchObject({ ref: 'v1.2' });
  });

  it.each([
    ['', /empty/],
    ['has space', /spaces/],
    ['smithery:', /not a valid Smithery server name/],
    ['smithery:../../etc', /not a valid Smithery/],
    ['Bad_Upper', /not a valid npm package name/],
    ['pkg@', /invalid version/],
    ['docker:-rm', /not a valid Docker image/],
    ['https://github.com/only-owner', /not a GitHub repository/],
    ['acme/things#--upload-pack=x', /invalid branch/],
    ['ftp://example.org/x.git', /unknown source type|not a GitHub/i],
    ['https://user:pw@example.com/mcp', /credentials/],
    ['git+ftp://example.org/x.git', /must use https, http, ssh or file/],
    ['a.b/c/d', /Unknown source type/],
  ])('rejects %j with a clear error', (source, message) => {
    expect(() => parseInstallSource(source)).toThrow(message);
  });
});

describe('server names', () => {
  it.each([
    ['@modelcontextprotocol/server-everything', 'everything'],
    ['mcp-server-fetch', 'fetch'],
    ['tavily-mcp@1.0.0', 'tavily_mcp'],
    ['https://github.com/acme/My-Things.git', 'my_things'],
    ['ghcr.io/acme/weather-server:2.0', 'weather_server'],
    ['smithery:@acme/mcp-weather', 'weather'],
    ['./servers/tiny-server', 'tiny_server'],
    ['./servers/server.js', 'server'],
    ['npm:/tmp/tiny-mcp-server-1.0.0.tgz', 'tiny_mcp_server'],
    ['acme/mcp--double', 'mcp_double'],
    ['https://mcp.weather.example.com/v1/mcp', 'weather_example_com'],
  ])('%s installs as %s', (source, name) => {
    expect(defaultServerName(parseInstallSource(source, { cwd: '/w' }))).toBe(name);
  });

  it('refuses names with __, capitals or separators', () => {
    expect(() => validateServerName('a__b')).toThrow(/must not contain "__"/);
    expect(() => validateServerName('Caps')).toThrow(/not valid/);
    expect(() => validateServerName('../x')).toThrow(/path separators/);
    expect(validateServerName('ok_name-1')).toBe('ok_name-1');
  });
});
