/**
 * Interaction routes of the fake Discord's REST API: the interaction callback (`POST /interactions/:id/:token/
 * callback`: reply, defer, update, modal…; a second acknowledgement answers 40060 as on Discord) and the
 * interaction webhook (`/webhooks/:app/:token` follow-ups and `messages/@original` edits and deletes).
 * Responses are recorded on the interaction (`fake.interaction(id).responses`).
 */
import { apiMessage } from './fake-discord-builders.js';
import { DiscordHttpError, unknownMessage } from './fake-discord-http.js';
import {
  asPayload,
  createMessage,
  deleteMessage,
  editMessage,
  MESSAGE_FLAG_EPHEMERAL,
  MESSAGE_FLAG_LOADING,
} from './fake-discord-messages.js';
import type { FakeInteraction, StoredMessage } from './fake-discord-model.js';
import type { RestDependencies, RouteRegistrar, RouteResult } from './fake-discord-rest.js';

const ACKNOWLEDGING = new Set([4, 5, 6, 7, 9]);

export function registerInteractionRoutes(route: RouteRegistrar, deps: RestDependencies): void {
  const { state, dispatch } = deps;
  const ok = (json: unknown, status = 200): RouteResult => ({ status, json });
  const message = (id: string): StoredMessage => {
    const found = state.messages.get(id);
    if (!found || found.deleted) throw unknownMessage();
    return found;
  };
  const interactionByToken = (token: string): FakeInteraction => {
    for (const interaction of state.interactions.values())
      if (interaction.token === token) return interaction;
    throw new DiscordHttpError(404, 10015, 'Unknown Webhook');
  };
  const resolveWebhookMessage = (interaction: FakeInteraction, id: string) => {
    const resolved = id === '@original' ? interaction.originalMessageId : id;
    if (!resolved) throw unknownMessage();
    return message(resolved);
  };

  route(
    'POST',
    '/interactions/:interaction/:token/callback',
    ({ params, query, body }) => {
      const interaction = state.interactions.get(params.interaction as string);
      if (!interaction || interaction.token !== params.token) {
        throw new DiscordHttpError(404, 10062, 'Unknown interaction');
      }
      const json = asPayload(body.json) as { type?: number; data?: Record<string, unknown> };
      const type = Number(json.type);
      if (ACKNOWLEDGING.has(type) && interaction.responses.some((r) => ACKNOWLEDGING.has(r.type))) {
        throw new DiscordHttpError(400, 40060, 'Interaction has already been acknowledged.');
      }
      interaction.responses.push({ type, data: json.data ?? null, time: Date.now() });
      let responseMessage: StoredMessage | undefined;
      if (type === 4 || type === 5) {
        const data = type === 5 ? { flags: Number(json.data?.flags ?? 0) | MESSAGE_FLAG_LOADING } : json.data;
        responseMessage = createMessage(
          state,
          dispatch,
          interaction.channelId,
          { json: data ?? {}, files: body.files },
          {
            authorId: state.botUser.id,
            webhookId: state.applicationId,
            interactionId: interaction.id,
            type: 20,
            trusted: type === 5,
          },
        );
        interaction.originalMessageId = responseMessage.id;
      } else if (type === 7 && interaction.messageId) {
        responseMessage = editMessage(state, dispatch, interaction.messageId, {
          json: json.data ?? {},
          files: body.files,
        });
      }
      state.changed();
      if (query.with_response !== 'true') return undefined;
      return ok({
        interaction: {
          id: interaction.id,
          type: interaction.type,
          activity_instance_id: null,
          response_message_id: responseMessage?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: Boolean((responseMessage?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL),
        },
        resource: { type, ...(responseMessage && { message: apiMessage(state, responseMessage) }) },
      });
    },
    false,
  );
  route(
    'POST',
    '/webhooks/:app/:token',
    ({ params, query, body }) => {
      const interaction = interactionByToken(params.token as string);
      const created = createMessage(state, dispatch, interaction.channelId, body, {
        authorId: state.botUser.id,
        webhookId: state.applicationId,
        interactionId: interaction.id,
      });
      interaction.followupIds.push(created.id);
      return query.wait === 'false' ? undefined : ok(apiMessage(state, created));
    },
    false,
  );
  route(
    'GET',
    '/webhooks/:app/:token/messages/:message',
    ({ params }) =>
      ok(
        apiMessage(
          state,
          resolveWebhookMessage(interactionByToken(params.token as string), params.message as string),
        ),
      ),
    false,
  );
  route(
    'PATCH',
    '/webhooks/:app/:token/messages/:message',
    ({ params, body }) => {
      const target = resolveWebhookMessage(
        interactionByToken(params.token as string),
        params.message as string,
      );
      return ok(apiMessage(state, editMessage(state, dispatch, target.id, body)));
    },
    false,
  );
  route(
    'DELETE',
    '/webhooks/:app/:token/messages/:message',
    ({ params }) => {
      const target = resolveWebhookMessage(
        interactionByToken(params.token as string),
        params.message as string,
      );
      deleteMessage(state, dispatch, target.id);
      return undefined;
    },
    false,
  );
}
