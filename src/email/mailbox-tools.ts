/**
 * `check_email` and `send_email` (spec §8.1) on Clara's own mailbox, for admins by default (CLARA_EMAIL_ADMIN_ONLY).
 * Sending happens only on an explicit request, and that does not rest on the model's word: the first call only
 * shows the draft and returns a one-time confirmation token bound to the person, the conversation and that exact
 * draft. The send needs the token AND a newer message written by the person after the draft was shown — so the
 * model cannot confirm on its own within the turn that drafted it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tools/index.js';
import type { Mailbox } from './mailbox.js';

const Recipient = z
  .string()
  .trim()
  .regex(/^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/, 'must be one email address');

export interface MailboxToolsOptions {
  /** Offer both tools to admins only (CLARA_EMAIL_ADMIN_ONLY). */
  adminOnly: boolean;
  /** Id of the newest message the person wrote in a conversation session (the messages table). */
  latestUserMessage?: ((sessionId: string) => Promise<number | undefined>) | undefined;
  /** How long a confirmation token stays valid (default 30 minutes). */
  tokenTtlMs?: number;
  now?: () => Date;
}

interface PendingDraft {
  userId: string;
  conversationId: string;
  draft: string;
  /** The person's newest message when the draft was shown; the send needs a newer one. */
  afterMessageId: number;
  expiresAt: number;
}

const MAX_DRAFTS = 200;

/** Six easy-to-read characters (no 0/O, 1/I), shown to the person with the draft. */
function confirmationCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(6)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function draftKey(args: { to: string; subject: string; body: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([args.to.toLowerCase(), args.subject, args.body]))
    .digest('hex');
}

export function mailboxTools(mailbox: Mailbox, options: MailboxToolsOptions): ToolDefinition[] {
  const now = options.now ?? (() => new Date());
  const ttlMs = options.tokenTtlMs ?? 30 * 60_000;
  const drafts = new Map<string, PendingDraft>();
  const prune = () => {
    const at = now().getTime();
    for (const [token, draft] of drafts) if (draft.expiresAt <= at) drafts.delete(token);
    while (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value as string);
  };

  const tools = [
    defineTool({
      name: 'check_email',
      emoji: '📬',
      adminOnly: options.adminOnly,
      description: `Read the list of messages in Clara's own mailbox (${mailbox.address}): sender, subject, date, unread. Does not mark anything read.`,
      schema: z.object({
        unread_only: z.boolean().default(false),
        limit: z.number().int().min(1).max(25).default(10),
      }),
      run: async (args) => {
        const entries = await mailbox.list({ unreadOnly: args.unread_only, limit: args.limit });
        if (entries.length === 0) return args.unread_only ? 'No unread email.' : 'The inbox is empty.';
        return entries
          .map(
            (e, i) =>
              `${i + 1}. From: ${e.from}\n   Subject: ${e.subject}${e.unread ? ' [UNREAD]' : ''}\n   Date: ${e.date}`,
          )
          .join('\n');
      },
    }),
    defineTool({
      name: 'send_email',
      emoji: '📤',
      adminOnly: options.adminOnly,
      description:
        `Send an email from Clara's own address (${mailbox.address}), only when the person explicitly asked for it. ` +
        'Two steps: call without confirmation_token to get the draft and a confirmation code; show the draft and the code to the ' +
        'person and ask; only after they answered yes (in a new message), call again with exactly the same to, subject and body ' +
        'and the code as confirmation_token. ' +
        'Never send on your own initiative.',
      schema: z.object({
        to: Recipient,
        subject: z.string().trim().min(1).max(300),
        body: z.string().min(1).max(50_000),
        confirmation_token: z
          .string()
          .trim()
          .optional()
          .describe(
            'the confirmation code of the earlier send_email call, after the person agreed to this draft',
          ),
      }),
      status: (args) => (args.confirmation_token ? `Sending email to ${args.to}…` : 'Drafting an email…'),
      run: async (args, context) => {
        prune();
        const key = draftKey(args);
        const latest = async () =>
          (await options.latestUserMessage?.(context.sessionId).catch(() => undefined)) ?? 0;
        const preview = async (why: string) => {
          if (!options.latestUserMessage) {
            return {
              content: `Not sent: sending needs a conversation with the person (their confirmation in a new message), and there is none here.`,
              isError: true,
            };
          }
          const token = confirmationCode();
          drafts.set(token, {
            userId: context.userId,
            conversationId: context.conversationId,
            draft: key,
            afterMessageId: await latest(),
            expiresAt: now().getTime() + ttlMs,
          });
          return (
            `${why}Draft (not sent):\nFrom: ${mailbox.address}\nTo: ${args.to}\nSubject: ${args.subject}\n\n${args.body}\n\n` +
            `Show the person this draft, ask whether to send it, and end your message with "Confirmation code: ${token}". ` +
            `Send only after they agree in a new message: then call send_email again with exactly this to, subject and body ` +
            `and confirmation_token "${token}". The code works once, for this draft and this person, for ${Math.round(ttlMs / 60_000)} minutes.`
          );
        };
        const token = args.confirmation_token;
        if (!token) return preview('');
        const pending = drafts.get(token);
        if (
          !pending ||
          pending.userId !== context.userId ||
          pending.conversationId !== context.conversationId
        ) {
          return preview('Not sent: that confirmation code is unknown or expired (it works once). ');
        }
        if (pending.draft !== key) {
          drafts.delete(token);
          return preview('Not sent: the draft changed since it was shown, so it needs a new confirmation. ');
        }
        if ((await latest()) <= pending.afterMessageId) {
          return {
            content:
              'Not sent: the person has not answered since the draft was shown. Show them the draft, ask, and wait for their reply; ' +
              'call send_email with the token only after they agreed.',
            isError: true,
          };
        }
        drafts.delete(token);
        await mailbox.send({ to: args.to, subject: args.subject, body: args.body });
        return `Email sent successfully to ${args.to}.`;
      },
    }),
  ];
  return tools as unknown as ToolDefinition[];
}
