/** `/email rule` list, add, remove, preset: which mail deserves an alert (rules engine of spec §8.3). */
import { describeRule } from '../../../email/index.js';
import { CommandError } from './context.js';
import { asInput } from './email-commands.js';
import { clip, listEmbed, successEmbed } from './embeds.js';
import type { CommandOptions, HandlerTable } from './handler.js';

/** `a, b,c` → ['a', 'b', 'c'] (undefined when empty). */
function list(options: CommandOptions, name: string): string[] | undefined {
  const items = (options.getString(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** The rule definition JSON of spec §8.3 from the options (validated by the email service). */
export function ruleDefinition(options: CommandOptions): Record<string, unknown> {
  const conditions: Record<string, unknown> = {};
  for (const name of ['sender_contains', 'sender_domain', 'subject_contains', 'body_contains']) {
    const items = list(options, name);
    if (items) conditions[name] = items;
  }
  const regex = options.getString('subject_regex')?.trim();
  if (regex) conditions.subject_regex = regex;
  const attachments = options.getBoolean('has_attachments');
  if (attachments !== null) conditions.has_attachments = attachments;
  const instruction = options.getString('llm_instruction')?.trim();
  return {
    conditions,
    match_mode: options.getString('match_mode') ?? 'any',
    ...(instruction ? { llm: { instruction } } : {}),
  };
}

export const emailRuleHandlers: HandlerTable = {
  'email rule list': {
    level: 'any',
    async run(ctx) {
      await ctx.defer(true);
      const rules = await ctx.deps.email.listRules(ctx.userId);
      await ctx.send({
        embeds: [
          listEmbed(
            '📧 Your email rules',
            rules.map((r) => clip(describeRule(r), 300)),
            {
              empty:
                'No rules yet: without rules no mail alerts you. Try `/email rule preset` or `/email rule add`.',
            },
          ),
        ],
      });
      return undefined;
    },
  },
  'email rule add': {
    level: 'any',
    audited: true,
    async run(ctx, options) {
      const name = options.getString('name', true);
      const importance = options.getString('importance');
      await ctx.defer(true);
      const rule = await asInput(
        ctx.deps.email.addRule(ctx.userId, {
          name,
          definition: ruleDefinition(options),
          ...(importance ? { importance: importance as 'low' | 'normal' | 'high' | 'urgent' } : {}),
          account: options.getString('address') ?? undefined,
        }),
      );
      await ctx.send({ embeds: [successEmbed(`Rule added: ${rule.name}`, clip(describeRule(rule), 1000))] });
      return { target: rule.name, message: 'rule added' };
    },
  },
  'email rule remove': {
    level: 'any',
    audited: true,
    async run(ctx, options) {
      const ref = options.getString('rule', true);
      await ctx.defer(true);
      const rule = await asInput(ctx.deps.email.removeRule(ctx.userId, ref));
      await ctx.send({ embeds: [successEmbed(`Rule removed: ${rule.name}`)] });
      return { target: rule.name, message: 'rule removed' };
    },
  },
  'email rule preset': {
    level: 'any',
    audited: true,
    async run(ctx, options) {
      const key = options.getString('preset', true);
      const address = options.getString('address') ?? undefined;
      await ctx.defer(true);
      const { rule, created } = await asInput(ctx.deps.email.applyPreset(ctx.userId, key, address));
      if (!rule) throw new CommandError(`The preset "${key}" could not be applied.`);
      await ctx.send({
        embeds: [
          successEmbed(
            created ? `Preset applied: ${rule.name}` : `Preset already applied: ${rule.name}`,
            clip(describeRule(rule), 1000),
          ),
        ],
      });
      return { target: rule.name, message: created ? 'preset applied' : 'preset already present' };
    },
  },
};
