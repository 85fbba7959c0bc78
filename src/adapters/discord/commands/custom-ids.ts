/**
 * Stateless component ids: the action, its target, who may press it and until when are all in the custom id
 * (max 100 characters), so buttons keep working after a restart and nothing is kept in memory.
 *
 *   clara:cf:<yes|no>:<action>:<expires, base 36 seconds>:<discord user id>:<target>
 *   clara:help            (help topic select menu)
 *   clara:email-add       (the mailbox modal)
 */
export const PREFIX = 'clara:';
export const HELP_SELECT_ID = 'clara:help';
export const EMAIL_ADD_MODAL_ID = 'clara:email-add';

export const CONFIRM_ACTIONS = ['mcp-uninstall', 'memory-clear'] as const;
export type ConfirmAction = (typeof CONFIRM_ACTIONS)[number];

export interface ConfirmId {
  answer: 'yes' | 'no';
  action: ConfirmAction;
  expiresAt: Date;
  userId: string;
  target: string;
}

export function confirmId(id: ConfirmId): string {
  const expires = Math.floor(id.expiresAt.getTime() / 1000).toString(36);
  const text = `${PREFIX}cf:${id.answer}:${id.action}:${expires}:${id.userId}:${id.target}`;
  if (text.length > 100) throw new Error(`custom id too long (${text.length} > 100): ${text}`);
  return text;
}

export function parseConfirmId(customId: string): ConfirmId | undefined {
  if (!customId.startsWith(`${PREFIX}cf:`)) return undefined;
  const [, , answer, action, expires, userId, ...rest] = customId.split(':');
  if (answer !== 'yes' && answer !== 'no') return undefined;
  const known = CONFIRM_ACTIONS.find((a) => a === action);
  const seconds = Number.parseInt(expires ?? '', 36);
  if (!known || !Number.isFinite(seconds) || !userId) return undefined;
  return { answer, action: known, expiresAt: new Date(seconds * 1000), userId, target: rest.join(':') };
}
