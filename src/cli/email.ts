/** `clara email …`: connect and manage watched mailboxes, their alert rules, and see recent alerts. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { IMPORTANCE_LEVELS } from '../email/index.js';
import {
  type AddOptions,
  addAccount,
  listAccounts,
  listAlerts,
  type RuleAddOptions,
  removeAccount,
  rulesCommand,
  setEnabled,
  testAccount,
  type UserOption,
} from './email-actions.js';
import type { WithConfig } from './memory.js';

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

const USER = ['--user <id>', 'whose mailboxes (default: USER_ID; Discord users are discord-<id>)'] as const;

export function registerEmailCommands(program: Command, withConfig: WithConfig): void {
  const email = program
    .command('email')
    .description('watched mailboxes: add, list, test, pause, resume, remove; alert rules; recent alerts');

  email
    .command('add')
    .description(
      'connect a mailbox over IMAP (password read from stdin or a hidden prompt; tested before saving)',
    )
    .argument('<address>', 'the email address')
    .option('--server <host>', 'IMAP server (default: guessed from the address)')
    .option('--port <n>', 'IMAP port', whole, 993)
    .option('--tls', 'implicit TLS (default on port 993)')
    .option('--no-tls', 'plain connection, upgraded with STARTTLS when offered (e.g. port 143)')
    .option('--username <name>', 'login name when it is not the address')
    .option('--channel <id>', 'post alerts to this channel instead of a direct message')
    .option('--skip-test', 'save without testing the login')
    .option(...USER)
    .action(
      withConfig((config, address: string, options: AddOptions) => addAccount(config, address, options)),
    );

  email
    .command('list')
    .description('connected mailboxes and their status (watching, error and why, paused)')
    .option(...USER)
    .option('--json', 'print JSON')
    .action(withConfig((config, options: UserOption & { json?: boolean }) => listAccounts(config, options)));

  email
    .command('test')
    .description('log in to a connected mailbox now and report')
    .argument('<account>', 'address or id')
    .option(...USER)
    .action(withConfig((config, ref: string, options: UserOption) => testAccount(config, ref, options)));

  for (const [name, enabled, text] of [
    ['pause', false, 'stop watching a mailbox (rules and password are kept)'],
    ['resume', true, 'watch a paused mailbox again (also retries one in error at once)'],
  ] as const) {
    email
      .command(name)
      .description(text)
      .argument('<account>', 'address or id')
      .option(...USER)
      .action(
        withConfig((config, ref: string, options: UserOption) => setEnabled(config, ref, enabled, options)),
      );
  }

  email
    .command('remove')
    .description('remove a mailbox with its stored password, its own rules and its alerts')
    .argument('<account>', 'address or id')
    .option(...USER)
    .action(withConfig((config, ref: string, options: UserOption) => removeAccount(config, ref, options)));

  email
    .command('alerts')
    .description('recent email alerts, newest first')
    .option('--limit <n>', 'how many', whole, 20)
    .option('--account <account>', 'only this mailbox')
    .option(...USER)
    .option('--json', 'print JSON')
    .action(
      withConfig((config, options: UserOption & { limit: number; account?: string; json?: boolean }) =>
        listAlerts(config, options),
      ),
    );

  const rules = email
    .command('rules')
    .description('alert rules: list, presets, apply <preset>, add <name>, remove <name>');
  rules
    .command('list')
    .description('the rules, highest priority first')
    .option(...USER)
    .action(
      withConfig((config, options: RuleAddOptions) => rulesCommand(config, 'list', undefined, options)),
    );
  rules
    .command('presets')
    .description('the ready-made presets')
    .action(withConfig((config) => rulesCommand(config, 'presets', undefined, {})));
  rules
    .command('apply')
    .description('turn on a preset (job_hunting, urgent, security, financial, shipping)')
    .argument('<preset>')
    .option('--account <account>', 'only for this mailbox')
    .option(...USER)
    .action(
      withConfig((config, preset: string, options: RuleAddOptions) =>
        rulesCommand(config, 'apply', preset, options),
      ),
    );
  rules
    .command('remove')
    .description('remove a rule by name or preset key')
    .argument('<name>')
    .option(...USER)
    .action(
      withConfig((config, name: string, options: RuleAddOptions) =>
        rulesCommand(config, 'remove', name, options),
      ),
    );
  rules
    .command('add')
    .description('add a rule (lists are comma-separated; matching is case-insensitive)')
    .argument('<name>')
    .option('--sender-contains <words>', 'sender contains any of these', list)
    .option('--sender-domain <domains>', 'sender domain is one of these (or a sub-domain)', list)
    .option('--subject-contains <words>', 'subject contains any of these', list)
    .option(
      '--subject-regex <pattern>',
      'subject matches this regular expression ((?i) for case-insensitive)',
    )
    .option('--body-contains <words>', 'the first 200 characters of the text contain any of these', list)
    .option('--attachments', 'only messages with attachments')
    .option('--match <mode>', 'any (default) or all conditions', 'any')
    .addOption(
      new Option('--importance <level>', 'alert importance').choices(IMPORTANCE_LEVELS).default('normal'),
    )
    .option('--priority <n>', 'higher rules are tried first', whole, 0)
    .option('--llm <question>', 'also ask the LLM this yes/no question about the email')
    .option('--account <account>', 'only for this mailbox')
    .option(...USER)
    .action(
      withConfig((config, name: string, options: RuleAddOptions) =>
        rulesCommand(config, 'add', name, options),
      ),
    );
}
