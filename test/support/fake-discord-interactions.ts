/**
 * INTERACTION_CREATE payloads of the fake Discord: slash commands (with subcommands, typed options and `resolved`
 * data), button clicks, select menus and modal submits. Option types come from the commands the client registered
 * (`PUT /applications/:id/commands`) and fall back to the JavaScript type of the value.
 */
import {
  apiChannel,
  apiMember,
  apiMessage,
  apiRole,
  apiUser,
  interactionBase,
} from './fake-discord-builders.js';
import type { FakeDiscordState, FakeInteraction } from './fake-discord-model.js';

type Json = Record<string, unknown>;

export const InteractionKind = { Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
export const OptionKind = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
} as const;

/** An option value; `{ type, value }` forces the option type (e.g. `{ type: 'user', value: id }`). */
export type SlashOptionValue =
  | string
  | number
  | boolean
  | {
      type: 'string' | 'integer' | 'boolean' | 'user' | 'channel' | 'role' | 'number';
      value: string | number | boolean;
    };

export interface InteractionContext {
  userId: string;
  channelId: string;
}

const NAMED_TYPES: Record<string, number> = {
  string: OptionKind.String,
  integer: OptionKind.Integer,
  boolean: OptionKind.Boolean,
  user: OptionKind.User,
  channel: OptionKind.Channel,
  role: OptionKind.Role,
  number: OptionKind.Number,
};

interface OptionDefinition {
  name: string;
  type: number;
  options?: OptionDefinition[];
}

function newInteraction(state: FakeDiscordState, type: number, context: InteractionContext): FakeInteraction {
  const id = state.snowflake();
  const channel = state.channel(context.channelId);
  return {
    id,
    token: `interaction-token-${id}`,
    type,
    channelId: channel.id,
    guildId: channel.guildId,
    userId: context.userId,
    messageId: null,
    originalMessageId: null,
    responses: [],
    followupIds: [],
    payload: {},
  };
}

function findDefinitions(state: FakeDiscordState, name: string, guildId: string | null) {
  const all = [...state.commands.values()].filter((c) => c.name === name && c.type === 1);
  return all.find((c) => c.guildId === guildId && guildId !== null) ?? all.find((c) => c.guildId === null);
}

function typedOption(
  state: FakeDiscordState,
  guildId: string | null,
  name: string,
  raw: SlashOptionValue,
  definitions: OptionDefinition[],
  resolved: Record<string, Record<string, unknown>>,
): Json {
  const forced = typeof raw === 'object' ? NAMED_TYPES[raw.type] : undefined;
  const value = typeof raw === 'object' ? raw.value : raw;
  const defined = definitions.find((d) => d.name === name)?.type;
  const inferred =
    typeof value === 'boolean'
      ? OptionKind.Boolean
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? OptionKind.Integer
          : OptionKind.Number
        : OptionKind.String;
  const type = forced ?? defined ?? inferred;
  const id = String(value);
  const add = (kind: string, key: string, data: unknown) => {
    resolved[kind] ??= {};
    (resolved[kind] as Record<string, unknown>)[key] = data;
  };
  if (type === OptionKind.User || type === OptionKind.Mentionable) {
    const user = state.users.get(id);
    if (user) {
      add('users', id, apiUser(user));
      const member = guildId ? state.guild(guildId).members.get(id) : undefined;
      if (member) {
        const permissions = state.memberPermissions(guildId as string, id).toString();
        add('members', id, { ...apiMember(state, member, false), permissions });
      }
    }
  }
  if (type === OptionKind.Role || type === OptionKind.Mentionable) {
    const role = guildId ? state.guild(guildId).roles.find((r) => r.id === id) : undefined;
    if (role) add('roles', id, apiRole(role));
  }
  if (type === OptionKind.Channel) {
    const channel = state.channels.get(id);
    if (channel) add('channels', id, { ...apiChannel(state, channel), permissions: '0' });
  }
  return { name, type, value };
}

/**
 * `/name [group] [sub] options…` as Discord sends it. `name` may contain spaces for subcommands:
 * `'mcp status'` or `'admin users list'`.
 */
export function slashCommandInteraction(
  state: FakeDiscordState,
  fullName: string,
  options: Record<string, SlashOptionValue>,
  context: InteractionContext,
): FakeInteraction {
  const interaction = newInteraction(state, InteractionKind.Command, context);
  const [name = '', ...path] = fullName.trim().split(/\s+/);
  const command = findDefinitions(state, name, interaction.guildId);
  let definitions = (command?.options ?? []) as OptionDefinition[];
  for (const part of path) definitions = definitions.find((d) => d.name === part)?.options ?? [];
  const resolved: Record<string, Record<string, unknown>> = {};
  let leaf: Json[] = Object.entries(options).map(([key, value]) =>
    typedOption(state, interaction.guildId, key, value, definitions, resolved),
  );
  const kinds =
    path.length === 2 ? [OptionKind.SubcommandGroup, OptionKind.Subcommand] : [OptionKind.Subcommand];
  for (let i = path.length - 1; i >= 0; i -= 1) {
    leaf = [{ name: path[i], type: kinds[i], options: leaf }];
  }
  interaction.payload = {
    ...interactionBase(state, { ...interaction, ...context }),
    data: {
      id: command?.id ?? state.snowflake(),
      name,
      type: 1,
      options: leaf,
      ...(interaction.guildId && { guild_id: interaction.guildId }),
      ...(Object.keys(resolved).length > 0 && { resolved }),
    },
  };
  return interaction;
}

/** A click on a button (`values` undefined) or a choice in a string select menu on `messageId`. */
export function componentInteraction(
  state: FakeDiscordState,
  messageId: string,
  customId: string,
  userId: string,
  values?: string[],
): FakeInteraction {
  const message = state.messages.get(messageId);
  if (!message) throw new Error(`fake Discord: unknown message ${messageId} for a component interaction`);
  const interaction = newInteraction(state, InteractionKind.Component, {
    userId,
    channelId: message.channelId,
  });
  interaction.messageId = messageId;
  interaction.originalMessageId = messageId;
  interaction.payload = {
    ...interactionBase(state, { ...interaction, userId, channelId: message.channelId }),
    message: apiMessage(state, message),
    data: values
      ? { custom_id: customId, component_type: 3, values }
      : { custom_id: customId, component_type: 2 },
  };
  return interaction;
}

/** A submitted modal with text inputs `fields` (custom id → value). */
export function modalSubmitInteraction(
  state: FakeDiscordState,
  customId: string,
  fields: Record<string, string>,
  context: InteractionContext,
): FakeInteraction {
  const interaction = newInteraction(state, InteractionKind.ModalSubmit, context);
  interaction.payload = {
    ...interactionBase(state, { ...interaction, ...context }),
    data: {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: id, value }],
      })),
    },
  };
  return interaction;
}
