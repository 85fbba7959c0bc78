/**
 * `check_email` and `send_email` (spec §8.1) on Clara's own mailbox. Sending happens only on an explicit request:
 * the tool refuses unless `confirm` is true, and its description tells the model to set it only after the person
 * asked for this exact email.
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tools/index.js';
import type { Mailbox } from './mailbox.js';

const Recipient = z
  .string()
  .trim()
  .regex(/^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/, 'must be one email address');

export function mailboxTools(mailbox: Mailbox): ToolDefinition[] {
  const tools = [
    defineTool({
      name: 'check_email',
      emoji: '📬',
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
      description:
        `Send an email from Clara's own address (${mailbox.address}). Only when the person explicitly asked to send this email: ` +
        'show them the recipient, subject and text first, and set confirm=true only after they agreed. Never send on your own initiative.',
      schema: z.object({
        to: Recipient,
        subject: z.string().trim().min(1).max(300),
        body: z.string().min(1).max(50_000),
        confirm: z
          .boolean()
          .describe('true only when the person explicitly asked to send exactly this email'),
      }),
      status: (args) => `Sending email to ${args.to}…`,
      run: async (args) => {
        if (args.confirm !== true) {
          return {
            content:
              'Not sent: send_email needs confirm=true, which you may set only after the person explicitly asked to send this exact email. ' +
              'Show them the draft (to, subject, text) and ask.',
            isError: true,
          };
        }
        await mailbox.send({ to: args.to, subject: args.subject, body: args.body });
        return `Email sent successfully to ${args.to}.`;
      },
    }),
  ];
  return tools as unknown as ToolDefinition[];
}
