/**
 * `pip install` in a person's container (spec §6.2.2 install package): the installed names are read once with
 * `pip list --format=freeze` and tracked, a tracked name without a version is "already installed", and without a
 * network the install is refused at once with the fix instead of waiting for pip to time out.
 */
import type { ExecOutcome } from './docker-exec.js';
import { execResult } from './docker-result.js';
import { checkPackageSpec, normalisePackageName, parseFreeze } from './packages.js';
import type { ExecResult, RunOptions } from './types.js';

export type ContainerRun = (cmd: string[], options: RunOptions) => Promise<ExecOutcome>;

export async function installInContainer(
  run: ContainerRun,
  session: { installed?: Set<string> },
  spec: string,
  network: string,
  options: RunOptions,
): Promise<ExecResult> {
  const requirement = checkPackageSpec(spec);
  const name = normalisePackageName(requirement);
  if (!session.installed) {
    const listed = await run(['python3', '-m', 'pip', 'list', '--format=freeze'], { timeoutMs: 60_000 });
    session.installed = new Set(listed.exitCode === 0 ? parseFreeze(listed.stdout) : []);
  }
  const exact = /[=<>!~]/.test(requirement);
  if (session.installed.has(name) && !exact) {
    return { ok: true, output: `${name} is already installed.`, durationMs: 0 };
  }
  if (network === 'none') {
    return {
      ok: false,
      output: '',
      error:
        `Cannot install ${requirement}: the sandbox has no network (DOCKER_SANDBOX_NETWORK=none). ` +
        'Ask the admin to set DOCKER_SANDBOX_NETWORK=bridge, or use a DOCKER_SANDBOX_IMAGE that includes it.',
      durationMs: 0,
    };
  }
  const outcome = await run(['python3', '-m', 'pip', 'install', '-q', requirement], options);
  const result = execResult(outcome, options.timeoutMs, true);
  if (!result.ok) return result;
  session.installed.add(name);
  return {
    ...result,
    output: `Installed ${requirement}.${result.output === '(no output)' ? '' : `\n${result.output}`}`,
  };
}
