/**
 * ConfirmView (spec §1.17): a red Confirm and a grey Cancel button, valid 60 s, for the person who asked only.
 * Stateless: the action, target, person and expiry are in the custom ids (custom-ids.ts).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  type MessageActionRowComponentBuilder,
} from 'discord.js';
import { type ConfirmAction, confirmId } from './custom-ids.js';

export const CONFIRM_TIMEOUT_MS = 60_000;

export function confirmRow(
  action: ConfirmAction,
  target: string,
  userId: string,
  now: Date,
  timeoutMs = CONFIRM_TIMEOUT_MS,
): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const expiresAt = new Date(now.getTime() + timeoutMs);
  const id = (answer: 'yes' | 'no') => confirmId({ answer, action, expiresAt, userId, target });
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder().setCustomId(id('yes')).setLabel('Confirm').setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(id('no')).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
}
