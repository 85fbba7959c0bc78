/**
 * `clara email …` actions: the same EmailService the tools use, on the configured database. A running Clara picks
 * up changes within a minute (its monitor re-reads the accounts). Passwords are read from stdin or a hidden
 * prompt, never from the command line.
 */
import { createInterface } from 'node:readline';
import { type Config, dataPath } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import {
  createEmailSetup,
  describeAccount,
  describeAlert,
  describeRule,
  type EmailService,
  type Importance,
} from '../email/index.js';
import { CliExit } from './load.js';
import { cliLogger } from './memory-setup.js';

export interface UserOption {
  user?: string;
}

const print = (text: string) => process.stdout.write(`${text}\n`);

/** Runs an action with the email service, mapping input/credential errors to exit code 1 with their message. */
export async function withEmail(
  config: Config,
  action: (service: EmailService, userId: string) => Promise<number>,
  options: UserOption,
): Promise<number> {
  const log = cliLogger(config);
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: dataPath(config) });
  try {
    await db.migrate();
    const email = createEmailSetup({ config, db, logger: log.logger.child({ name: 'email' }) });
    return await action(email.service, options.user?.trim() || config.USER_ID);
  } catch (error) {
    const e = error as Error;
    if (['EmailInputError', 'EmailCredentialError', 'EmailConnectionError'].includes(e.name))
      throw new CliExit(1, e.message);
    throw error;
  } finally {
    await db.close();
    await log.close();
  }
}

/** The password: first line of stdin when piped, else a prompt that does not echo. */
export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let prompted = false;
  output._writeToOutput = (s: string) => {
    if (!prompted) {
      process.stderr.write(s);
      prompted = true;
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export interface AddOptions extends UserOption {
  server?: string;
  port?: number;
  tls?: boolean;
  username?: string;
  skipTest?: boolean;
  channel?: string;
}

export async function addAccount(config: Config, address: string, options: AddOptions): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      const password = await readPassword(
        `IMAP password for ${address} (an app password for Gmail/iCloud/Outlook/Yahoo): `,
      );
      const { account, probe } = await service.addAccount(userId, {
        emailAddress: address,
        password,
        imapServer: options.server,
        imapPort: options.port,
        tls: options.tls,
        username: options.username,
        skipTest: options.skipTest,
        alertChannelId: options.channel,
      });
      print(
        `Connected ${account.emailAddress} for ${userId}${probe ? ` (INBOX: ${probe.messages} messages, ${probe.idle ? 'push/IDLE' : 'polling'})` : ' (not tested)'}.`,
      );
      if (!service.monitoringEnabled)
        print('Monitoring is off: set EMAIL_MONITORING_ENABLED=true and restart Clara to get alerts.');
      if ((await service.listRules(userId)).length === 0)
        print('No rules yet: `clara email rules presets`, then `clara email rules apply <preset>`.');
      return 0;
    },
    options,
  );
}

export async function listAccounts(
  config: Config,
  options: UserOption & { json?: boolean },
): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      const accounts = await service.listAccounts(userId);
      if (options.json) {
        print(JSON.stringify(accounts, null, 2));
        return 0;
      }
      if (accounts.length === 0) {
        print(`No mailbox is connected for ${userId} (add one with \`clara email add <address>\`).`);
        return 0;
      }
      for (const account of accounts)
        print(describeAccount(account, new Date(), { monitoring: service.monitoringEnabled }));
      return 0;
    },
    options,
  );
}

export async function testAccount(config: Config, ref: string, options: UserOption): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      const result = await service.testAccount(userId, ref);
      print(result.ok ? `OK: ${result.message}` : `Failed: ${result.message}`);
      return result.ok ? 0 : 1;
    },
    options,
  );
}

export async function setEnabled(
  config: Config,
  ref: string,
  enabled: boolean,
  options: UserOption,
): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      const account = await service.setEnabled(userId, ref, enabled);
      print(`${enabled ? 'Resumed' : 'Paused'} ${account.emailAddress}.`);
      return 0;
    },
    options,
  );
}

export async function removeAccount(config: Config, ref: string, options: UserOption): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      const account = await service.removeAccount(userId, ref);
      print(`Removed ${account.emailAddress} with its stored password, rules and alerts.`);
      return 0;
    },
    options,
  );
}

export async function listAlerts(
  config: Config,
  options: UserOption & { limit: number; account?: string; json?: boolean },
): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      const alerts = await service.recentAlerts(userId, options.limit, options.account);
      if (options.json) print(JSON.stringify(alerts, null, 2));
      else if (alerts.length === 0) print('No email alerts yet.');
      else for (const alert of alerts) print(describeAlert(alert));
      return 0;
    },
    options,
  );
}

export interface RuleAddOptions extends UserOption {
  senderContains?: string[];
  senderDomain?: string[];
  subjectContains?: string[];
  subjectRegex?: string;
  bodyContains?: string[];
  attachments?: boolean;
  match?: 'any' | 'all';
  importance?: Importance;
  priority?: number;
  llm?: string;
  account?: string;
}

export async function rulesCommand(
  config: Config,
  action: 'list' | 'presets' | 'add' | 'apply' | 'remove',
  arg: string | undefined,
  options: RuleAddOptions,
): Promise<number> {
  return withEmail(
    config,
    async (service, userId) => {
      if (action === 'presets') {
        for (const p of service.presets())
          print(`${p.key.padEnd(12)} ${p.name} (${p.importance}) — ${p.description}`);
        return 0;
      }
      if (action === 'list') {
        const rules = await service.listRules(userId);
        if (rules.length === 0) print(`No rules for ${userId}.`);
        for (const rule of rules) print(describeRule(rule));
        return 0;
      }
      if (!arg)
        throw new CliExit(
          2,
          `clara email rules ${action} needs a ${action === 'apply' ? 'preset' : 'rule name'}.`,
        );
      if (action === 'apply') {
        const { rule, created } = await service.applyPreset(userId, arg, options.account);
        print(created ? `Applied: ${describeRule(rule)}` : `Preset ${rule.name} is already on.`);
        return 0;
      }
      if (action === 'remove') {
        print(`Removed rule ${(await service.removeRule(userId, arg)).name}.`);
        return 0;
      }
      const conditions = Object.fromEntries(
        Object.entries({
          sender_contains: options.senderContains,
          sender_domain: options.senderDomain,
          subject_contains: options.subjectContains,
          subject_regex: options.subjectRegex,
          body_contains: options.bodyContains,
          has_attachments: options.attachments,
        }).filter(([, v]) => v !== undefined),
      );
      const rule = await service.addRule(userId, {
        name: arg,
        importance: options.importance,
        priority: options.priority,
        account: options.account,
        definition: {
          conditions,
          match_mode: options.match ?? 'any',
          ...(options.llm ? { llm: { instruction: options.llm } } : {}),
        },
      });
      print(`Added: ${describeRule(rule)}`);
      return 0;
    },
    options,
  );
}
