/**
 * The model's tools for email monitoring (the management the original had lost, spec §4.9 email_alerts): connect,
 * list, test, pause, resume and disconnect mailboxes; alert options; rules and presets; recent alerts. Every tool
 * acts for the person asking (ToolContext.userId) only.
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tools/index.js';
import { describeAccount, describeAlert, describeRule } from './format.js';
import type { EmailService } from './service.js';
import { IMPORTANCE_LEVELS } from './types.js';

const account = z.string().describe('the mailbox address (or account id)');
const optionalAccount = account.optional().describe('the mailbox address; all mailboxes when omitted');
const words = z.array(z.string()).optional();

/** Errors the person can fix come back as plain text; the registry reports the rest. */
async function guarded(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (error) {
    const e = error as Error;
    if (['EmailInputError', 'EmailCredentialError', 'EmailConnectionError'].includes(e.name))
      return `Error: ${e.message}`;
    throw error;
  }
}

export interface EmailToolsOptions {
  now?: () => Date;
}

export function emailTools(service: EmailService, options: EmailToolsOptions = {}): ToolDefinition[] {
  const now = options.now ?? (() => new Date());
  const monitoringNote = () =>
    service.monitoringEnabled
      ? ''
      : '\nNote: monitoring is off on this server (EMAIL_MONITORING_ENABLED=false), so no alerts are sent yet.';
  const tools = [
    defineTool({
      name: 'email_connect_imap',
      emoji: '📧',
      description:
        "Connect the user's mailbox over IMAP so Clara can alert them about important email. Needs the address and an app password " +
        '(Gmail, iCloud, Yahoo and Outlook require an app password). The server is guessed from the address when omitted. ' +
        'Tests the login before saving; the password is stored encrypted and never shown again. Nothing is ever marked read.',
      schema: z.object({
        email_address: z.string(),
        password: z.string().min(1),
        imap_server: z.string().optional(),
        imap_port: z.number().int().min(1).max(65535).optional(),
        use_tls: z.boolean().optional().describe('implicit TLS; default true on port 993'),
        username: z.string().optional().describe('login name when it is not the address'),
      }),
      status: (args) => `Connecting ${args.email_address}…`,
      run: (args, context) =>
        guarded(async () => {
          const { account: added, probe } = await service.addAccount(context.userId, {
            emailAddress: args.email_address,
            password: args.password,
            imapServer: args.imap_server,
            imapPort: args.imap_port,
            tls: args.use_tls,
            username: args.username,
          });
          const rules = await service.listRules(context.userId);
          return (
            `Connected ${added.emailAddress} (${probe?.messages ?? 0} messages in INBOX). New mail from now on is checked against the rules.` +
            (rules.length === 0
              ? ' There are no rules yet: apply a preset (email_list_presets) or add a rule.'
              : '') +
            monitoringNote()
          );
        }),
    }),
    defineTool({
      name: 'email_list_accounts',
      emoji: '📧',
      description:
        "List the user's connected mailboxes with their watch status (watching, error with the reason, paused).",
      schema: z.object({}),
      run: async (_args, context) => {
        const accounts = await service.listAccounts(context.userId);
        if (accounts.length === 0) return 'No mailbox is connected.';
        return accounts
          .map((a) => `- ${describeAccount(a, now(), { monitoring: service.monitoringEnabled })}`)
          .join('\n');
      },
    }),
    defineTool({
      name: 'email_test_account',
      emoji: '📧',
      description: 'Test the login of a connected mailbox now and report what happened.',
      schema: z.object({ email_address: account }),
      run: (args, context) =>
        guarded(async () => {
          const result = await service.testAccount(context.userId, args.email_address);
          return result.ok ? `OK: ${result.message}` : `Failed: ${result.message}`;
        }),
    }),
    defineTool({
      name: 'email_pause_account',
      emoji: '⏸️',
      description: 'Stop watching a mailbox (kept with its rules; resume any time).',
      schema: z.object({ email_address: account }),
      run: (args, context) =>
        guarded(
          async () =>
            `Paused ${(await service.setEnabled(context.userId, args.email_address, false)).emailAddress}.`,
        ),
    }),
    defineTool({
      name: 'email_resume_account',
      emoji: '▶️',
      description: 'Watch a paused mailbox again (also clears an error state and retries at once).',
      schema: z.object({ email_address: account }),
      run: (args, context) =>
        guarded(
          async () =>
            `Resumed ${(await service.setEnabled(context.userId, args.email_address, true)).emailAddress}.${monitoringNote()}`,
        ),
    }),
    defineTool({
      name: 'email_disconnect',
      emoji: '🗑️',
      description:
        'Remove a connected mailbox with its stored password, account rules and alerts. Only when the user asks.',
      schema: z.object({ email_address: account }),
      run: (args, context) =>
        guarded(
          async () =>
            `Removed ${(await service.removeAccount(context.userId, args.email_address)).emailAddress}.`,
        ),
    }),
    defineTool({
      name: 'email_set_alert_channel',
      emoji: '📢',
      description:
        'Send alerts for a mailbox to a Discord channel instead of direct messages (admins only, like /email channel): ' +
        'channel_id, or this_channel=true for the current one, or neither for the log channel (DISCORD_LOG_CHANNEL_ID). ' +
        'Channel alerts mention the owner. dm=true goes back to direct messages (anyone).',
      schema: z.object({
        channel_id: z
          .string()
          .trim()
          .regex(/^\d{1,20}$/, 'must be a Discord channel id (digits)')
          .optional(),
        this_channel: z.boolean().optional(),
        dm: z.boolean().optional(),
        email_address: optionalAccount,
      }),
      run: (args, context) =>
        guarded(async () => {
          let channel: string | null = null;
          if (!args.dm) {
            if (!context.isAdmin) {
              return 'Error: only an admin can send alerts to a channel (as with /email channel), because everyone there would see your senders and subjects. Use dm=true for direct messages.';
            }
            channel =
              args.channel_id ??
              (args.this_channel ? (context.channelId ?? null) : (service.logChannelId ?? null));
            if (!channel) {
              return args.this_channel
                ? 'Error: this conversation has no channel; give channel_id, or dm=true.'
                : 'Error: DISCORD_LOG_CHANNEL_ID is not set, so there is no log channel; give channel_id or this_channel=true, or dm=true.';
            }
          }
          const updated = await service.configure(context.userId, args.email_address, {
            alertChannelId: channel,
          });
          const where = !channel
            ? 'direct messages'
            : channel === service.logChannelId
              ? `the log channel ${channel}`
              : `channel ${channel}`;
          return `Alerts for ${updated.map((a) => a.emailAddress).join(', ')} go to ${where}.`;
        }),
    }),
    defineTool({
      name: 'email_set_quiet_hours',
      emoji: '🌙',
      description:
        'Hold alerts during quiet hours (UTC hours 0-23; wraps midnight when start > end) and send them in the next digest. clear=true removes them.',
      schema: z.object({
        start_hour: z.number().int().min(0).max(23).optional(),
        end_hour: z.number().int().min(0).max(23).optional(),
        clear: z.boolean().optional(),
        email_address: optionalAccount,
      }),
      run: (args, context) =>
        guarded(async () => {
          if (!args.clear && (args.start_hour === undefined || args.end_hour === undefined)) {
            return 'Error: give start_hour and end_hour (UTC, 0-23), or clear=true.';
          }
          const quietHours = args.clear
            ? null
            : { start: args.start_hour as number, end: args.end_hour as number };
          const updated = await service.configure(context.userId, args.email_address, { quietHours });
          const which = updated.map((a) => a.emailAddress).join(', ');
          return quietHours
            ? `Quiet hours ${quietHours.start}:00-${quietHours.end}:00 UTC set for ${which}.`
            : `Quiet hours cleared for ${which}.`;
        }),
    }),
    defineTool({
      name: 'email_toggle_ping',
      emoji: '🔔',
      description: 'Mention (ping) the user in email alerts, or not.',
      schema: z.object({ enabled: z.boolean(), email_address: optionalAccount }),
      run: (args, context) =>
        guarded(async () => {
          const updated = await service.configure(context.userId, args.email_address, {
            pingOnAlert: args.enabled,
          });
          return `Pings ${args.enabled ? 'on' : 'off'} for ${updated.map((a) => a.emailAddress).join(', ')}.`;
        }),
    }),
    defineTool({
      name: 'email_list_presets',
      emoji: '📋',
      description:
        'List the ready-made alert rule presets (job hunting, urgent, security, financial, shipping).',
      schema: z.object({}),
      run: async () =>
        service
          .presets()
          .map((p) => `- ${p.key}: ${p.name} (${p.importance}) — ${p.description}`)
          .join('\n'),
    }),
    defineTool({
      name: 'email_apply_preset',
      emoji: '📋',
      description: 'Turn on a rule preset for all mailboxes (or one). Applying twice changes nothing.',
      schema: z.object({ preset_name: z.string(), email_address: optionalAccount }),
      run: (args, context) =>
        guarded(async () => {
          const { rule, created } = await service.applyPreset(
            context.userId,
            args.preset_name,
            args.email_address,
          );
          return created ? `Applied preset: ${describeRule(rule)}` : `Preset ${rule.name} is already on.`;
        }),
    }),
    defineTool({
      name: 'email_add_rule',
      emoji: '📋',
      description:
        'Add a custom alert rule. Conditions: sender_contains, sender_domain (includes sub-domains), subject_contains, body_contains ' +
        '(case-insensitive, any listed word), subject_regex, has_attachments; match_mode any (default) or all. llm_instruction adds ' +
        'an LLM yes/no check ("Is this an interview invitation?") that must also agree; alone it classifies every new email (costs a call each).',
      schema: z.object({
        name: z.string().min(1),
        importance: z.enum(IMPORTANCE_LEVELS).optional(),
        sender_contains: words,
        sender_domain: words,
        subject_contains: words,
        body_contains: words,
        subject_regex: z.string().optional(),
        has_attachments: z.boolean().optional(),
        match_mode: z.enum(['any', 'all']).optional(),
        priority: z.number().int().min(-100).max(100).optional(),
        llm_instruction: z.string().optional(),
        email_address: optionalAccount,
      }),
      run: (args, context) =>
        guarded(async () => {
          const conditions = Object.fromEntries(
            (
              [
                'sender_contains',
                'sender_domain',
                'subject_contains',
                'body_contains',
                'subject_regex',
                'has_attachments',
              ] as const
            )
              .filter(
                (key) =>
                  args[key] !== undefined &&
                  !(Array.isArray(args[key]) && (args[key] as string[]).length === 0),
              )
              .map((key) => [key, args[key]]),
          );
          const rule = await service.addRule(context.userId, {
            name: args.name,
            importance: args.importance,
            priority: args.priority,
            account: args.email_address,
            definition: {
              conditions,
              match_mode: args.match_mode ?? 'any',
              ...(args.llm_instruction ? { llm: { instruction: args.llm_instruction } } : {}),
            },
          });
          return `Added rule: ${describeRule(rule)}`;
        }),
    }),
    defineTool({
      name: 'email_list_rules',
      emoji: '📋',
      description: "List the user's email alert rules, highest priority first.",
      schema: z.object({}),
      run: async (_args, context) => {
        const rules = await service.listRules(context.userId);
        return rules.length ? rules.map((r) => `- ${describeRule(r)}`).join('\n') : 'No rules yet.';
      },
    }),
    defineTool({
      name: 'email_remove_rule',
      emoji: '🗑️',
      description: 'Remove an alert rule by its name or preset key.',
      schema: z.object({ rule_name: z.string().min(1) }),
      run: (args, context) =>
        guarded(
          async () => `Removed rule ${(await service.removeRule(context.userId, args.rule_name)).name}.`,
        ),
    }),
    defineTool({
      name: 'email_recent_alerts',
      emoji: '📬',
      description: 'The most recent email alerts for the user (sender, subject, why it matched).',
      schema: z.object({ limit: z.number().int().min(1).max(50).optional(), email_address: optionalAccount }),
      run: (args, context) =>
        guarded(async () => {
          const alerts = await service.recentAlerts(context.userId, args.limit ?? 10, args.email_address);
          return alerts.length
            ? alerts.map((a) => `- ${describeAlert(a)}`).join('\n')
            : 'No email alerts yet.';
        }),
    }),
  ];
  return tools as unknown as ToolDefinition[];
}
