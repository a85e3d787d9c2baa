/**
 * Outbound alert notifications: the channels (admins: they hold URLs and secrets) and the outbox
 * (analysts: what was sent, what is waiting, what died and why; re-sending a dead one). Who may call
 * each route: ../http/access.ts.
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute } from '../http/route';
import { ChannelId, ChannelInput, ChannelView, deleteChannel, listChannels, putChannel } from '../notify/channels';
import { listNotifications, Notification, NOTIFICATION_STATES, retryNotification } from '../notify/outbox';

const listChannelsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/notification-channels',
  tag: 'notifications',
  summary: 'Every notification channel. Secrets are never answered (hasSecret says whether one is set); Slack and Teams URLs are shown as their origin only.',
  response: z.object({ channels: z.array(ChannelView) }),
  async handler({ services }) {
    return { channels: await listChannels(services.db) };
  },
});

const putChannelRoute = defineRoute({
  method: 'PUT',
  path: '/api/v1/notification-channels/:id',
  tag: 'notifications',
  summary:
    'Create or replace a notification channel: kind (config.kind: xsoar, slack, teams, webhook, email), which rules ("*" or ids), which changes ' +
    '(on: created, events_added, state_changed, assigned, noted; default created), and a write-only secret (absent keeps it, null removes it). ' +
    'Changes made from now on notify. Audited without the secret.',
  params: z.object({ id: ChannelId }),
  body: ChannelInput,
  response: z.object({ channel: ChannelView }),
  async handler({ params, body, principal, services, reply }) {
    const { channel, created } = await putChannel(services.db, params.id, body, principal, services.now());
    if (created) reply.code(201);
    return { channel };
  },
});

const deleteChannelRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/notification-channels/:id',
  tag: 'notifications',
  summary: 'Delete a channel. Its pending notifications die (visible in GET /api/v1/notifications?state=dead). Audited.',
  params: z.object({ id: ChannelId }),
  response: z.object({ deleted: z.string() }),
  async handler({ params, principal, services }) {
    await deleteChannel(services.db, params.id, principal, services.now());
    return { deleted: params.id };
  },
});

const Position = z.object({ s: z.number().int() });

const listNotificationsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/notifications',
  tag: 'notifications',
  summary: 'The notification outbox, newest first: state (pending, sent, dead), channel and alertId filter; lastError says why a notification waits or died.',
  query: z.object({
    state: z.enum(NOTIFICATION_STATES).optional(),
    channel: ChannelId.optional(),
    alertId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(512).optional(),
  }),
  response: z.object({ notifications: z.array(Notification), nextCursor: z.string().nullable() }),
  async handler({ query, services }) {
    const after = decodeCursor(Position, query.cursor);
    const { items, lastSeq } = await listNotifications(services.db, { ...query, ...(after && { beforeSeq: after.s }) });
    return { notifications: items, nextCursor: lastSeq === undefined ? null : encodeCursor({ s: lastSeq }) };
  },
});

const retryRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/notifications/:id/retry',
  tag: 'notifications',
  summary:
    'Send a dead (or waiting) notification again now, with a fresh attempt count and the same idempotency key. A delivered one is refused (409). Audited.',
  params: z.object({ id: z.uuid() }),
  response: Notification,
  async handler({ params, principal, services }) {
    return retryNotification(services.db, params.id, principal, services.now());
  },
});

export const NOTIFICATION_ROUTES = [listChannelsRoute, putChannelRoute, deleteChannelRoute, listNotificationsRoute, retryRoute];
