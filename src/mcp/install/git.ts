/**
 * GitHub (or any git URL, including file:// for local repositories): shallow clone into the server's folder,
 * then configure the checkout (install, build, entry) like any project folder.
 */
import { CommandError, runCommand } from './run-command.js';
import { type InstallContext, InstallError } from './types.js';

export async function cloneRepository(
  cloneUrl: string,
  target: string,
  ctx: InstallContext,
  ref?: string,
): Promise<void> {
  ctx.progress(`Cloning ${cloneUrl}${ref ? ` (${ref})` : ''}…`);
  const args = ['clone', '--depth', '1', '--single-branch'];
  if (ref) args.push('--branch', ref);
  args.push('--', cloneUrl, target);
  try {
    await runCommand('git', args, {
      env: { ...ctx.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo' },
      timeoutMs: ctx.timeouts.cloneMs,
      onLine: ctx.detail,
      signal: ctx.signal,
    });
  } catch (error) {
    if (error instanceof CommandError) {
      if (/Remote branch .* not found/i.test(error.output)) {
        throw new InstallError(`The branch or tag "${ref}" does not exist in ${cloneUrl}.`);
      }
      if (
        /not found|does not exist|Could not read from remote|Authentication failed|terminal prompts disabled/i.test(
          error.output,
        )
      ) {
        throw new InstallError(
          `Could not clone ${cloneUrl}: the repository does not exist or is private. Check owner/repo (and the branch).`,
        );
      }
    }
    throw error;
  }
}
