import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ env, envFile: false });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe('ConfigError for invalid values', () => {
  it.each([
    [
      'LLM_PROVIDER',
      'gpt',
      /"gpt" is not one of the accepted values/,
      /set LLM_PROVIDER to one of: openrouter, nanogpt, openai, anthropic/,
    ],
    ['MEM0_PROVIDER', 'ollama', /"ollama" is not one of/, /one of: openrouter, nanogpt, openai, anthropic/],
    [
      'LLM_FALLBACK_PROVIDERS',
      'openai, bard',
      /names unknown provider\(s\): bard/,
      /list of: openrouter, nanogpt, openai, anthropic/,
    ],
    ['LOG_LEVEL', 'loud', /"loud" is not one of/, /one of: debug, info, warn, error, fatal/],
    [
      'DISCORD_AUTO_CONTINUE',
      'maybe',
      /"maybe" is not a boolean/,
      /true or false \(also 1\/0, yes\/no, on\/off\)/,
    ],
    ['DISCORD_MAX_MESSAGES', 'lots', /"lots" is not a whole number/, /a whole number between 1 and 200/],
    ['DISCORD_MAX_MESSAGES', '2.5', /is not a whole number/, /between 1 and 200/],
    ['DISCORD_MAX_MESSAGES', '0', /"0" is below the minimum 1/, /between 1 and 200/],
    ['PORT', '70000', /is above the maximum 65535/, /a TCP port number between 1 and 65535/],
    ['ORS_MIN_SPEAK_GAP_HOURS', 'two', /"two" is not a number/, /a number of hours between 0 and 720/],
    ['CUSTOM_OPENAI_BASE_URL', 'not a url', /is not a valid URL/, /an? http:\/\/ or https:\/\/ URL/],
    [
      'DATABASE_URL',
      'mysql://u@h/db',
      /unsupported scheme "mysql:\/\/"/,
      /postgres:\/\/ or postgresql:\/\/ URL/,
    ],
    ['DISCORD_ALLOWED_ROLES', '12,admins', /not Discord ids/, /comma-separated list of Discord ids/],
    ['DEFAULT_TIMEZONE', 'Mars/Olympus', /not a known IANA time zone/, /Europe\/Berlin/],
    ['CLARA_PERSONALITY', '../etc/passwd', /is not a persona name/, /letters, digits, - and _/],
    ['DOCKER_SANDBOX_MEMORY', 'lots', /is not a memory size/, /512m or 2g/],
  ])('%s=%s names the variable, the problem and the fix', (name, raw, problem, fix) => {
    const error = problemsOf({ [name]: raw });
    expect(error.problems).toHaveLength(1);
    const [only] = error.problems;
    expect(only?.variable).toBe(name);
    expect(only?.problem).toMatch(problem);
    expect(only?.fix).toMatch(fix);
    expect(error.message).toContain(`- ${name}: `);
    expect(error.message).toMatch(new RegExp(`Fix: set ${name} to`));
  });

  it('mentions the default in the fix when there is one', () => {
    expect(problemsOf({ LLM_PROVIDER: 'x' }).problems[0]?.fix).toMatch(
      /unset it to use the default \(openrouter\)/,
    );
  });

  it('lists every problem at once, including cross-field ones', () => {
    const error = problemsOf({ LLM_PROVIDER: 'x', PORT: 'y', CLARA_WEB_HOST: '0.0.0.0' });
    expect(error.problems.map((p) => p.variable)).toEqual(['LLM_PROVIDER', 'PORT', 'CLARA_WEB_TOKEN']);
    expect(error.message).toMatch(/^Invalid configuration \(3 problems\):/);
  });

  it('never puts secret values into the error', () => {
    const badKey = 'not-a-fernet-key-but-a-secret';
    const shortToken = 'short-secret';
    const validSecret = 'sk-or-v1-validsecretvalue';
    const error = problemsOf({
      EMAIL_ENCRYPTION_KEY: badKey,
      CLARA_WEB_TOKEN: shortToken,
      OPENROUTER_API_KEY: validSecret,
      LLM_PROVIDER: 'nope',
    });
    expect(error.problems.map((p) => p.variable)).toEqual([
      'LLM_PROVIDER',
      'EMAIL_ENCRYPTION_KEY',
      'CLARA_WEB_TOKEN',
    ]);
    for (const secret of [badKey, shortToken, validSecret]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.problems)).not.toContain(secret);
    }
    expect(error.problems[1]?.problem).toMatch(/^the value \(secret, not shown\) is not a Fernet key/);
    expect(error.problems[2]?.problem).toMatch(
      /^the value \(secret, not shown\) is not a token of at least 16/,
    );
  });
});

describe('cross-field rules', () => {
  it('requires CLARA_WEB_TOKEN for a non-loopback CLARA_WEB_HOST', () => {
    const error = problemsOf({ CLARA_WEB_HOST: '0.0.0.0' });
    expect(error.problems[0]).toMatchObject({ variable: 'CLARA_WEB_TOKEN' });
    expect(error.problems[0]?.problem).toMatch(/CLARA_WEB_HOST \(0\.0\.0\.0\) is not a loopback address/);
    expect(error.problems[0]?.fix).toMatch(/set CLARA_WEB_TOKEN .* or set CLARA_WEB_HOST=127\.0\.0\.1/);
  });

  it('accepts a public host with a token, loopback hosts without one, and a disabled web server', () => {
    const token = 'a-long-enough-web-token';
    expect(
      loadConfig({ env: { CLARA_WEB_HOST: '0.0.0.0', CLARA_WEB_TOKEN: token }, envFile: false })
        .CLARA_WEB_TOKEN,
    ).toBe(token);
    for (const host of ['localhost', '127.0.0.2', '::1', '[::1]']) {
      expect(loadConfig({ env: { CLARA_WEB_HOST: host }, envFile: false }).CLARA_WEB_HOST).toBe(host);
    }
    const off = { CLARA_WEB_HOST: '0.0.0.0', DISCORD_MONITOR_ENABLED: 'false' };
    expect(loadConfig({ env: off, envFile: false }).DISCORD_MONITOR_ENABLED).toBe(false);
  });

  it('requires the remote sandbox settings when SANDBOX_MODE=remote', () => {
    const error = problemsOf({ SANDBOX_MODE: 'remote', SANDBOX_API_URL: 'https://sandbox.example' });
    expect(error.problems[0]).toMatchObject({ variable: 'SANDBOX_MODE' });
    expect(error.problems[0]?.problem).toMatch(/SANDBOX_API_KEY is not set/);
    expect(error.problems[0]?.fix).toMatch(/set SANDBOX_API_KEY .* or set SANDBOX_MODE=auto/);
  });

  it('requires S3 credentials when S3_ENABLED is true', () => {
    const error = problemsOf({ S3_ENABLED: 'yes' });
    expect(error.problems[0]?.problem).toMatch(/S3_ACCESS_KEY and S3_SECRET_KEY are not set/);
    expect(error.problems[0]?.fix).toMatch(/or set S3_ENABLED=false/);
  });

  it('requires EMAIL_ENCRYPTION_KEY when email monitoring is enabled', () => {
    const error = problemsOf({ EMAIL_MONITORING_ENABLED: 'on' });
    expect(error.problems[0]).toMatchObject({ variable: 'EMAIL_ENCRYPTION_KEY' });
    expect(error.problems[0]?.fix).toMatch(/or set EMAIL_MONITORING_ENABLED=false/);
  });

  it('does not require any LLM key', () => {
    expect(
      loadConfig({ env: { LLM_PROVIDER: 'anthropic' }, envFile: false }).ANTHROPIC_API_KEY,
    ).toBeUndefined();
  });
});
