/**
 * `GET /api/email/alerts?limit=20`: the web page owner's recent email alerts, newest first, and whether monitoring is
 * on (the page shows its alerts view then). The server's token guards it.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmailService } from './service.js';

const Query = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });

export function emailAlertsRoute(service: EmailService, userId: string) {
  return (app: FastifyInstance): void => {
    app.get('/api/email/alerts', async (request, reply) => {
      const query = Query.safeParse(request.query);
      if (!query.success) {
        return reply.code(400).send({ error: 'limit must be a whole number from 1 to 200.' });
      }
      const alerts = await service.recentAlerts(userId, query.data.limit);
      return { alerts, monitoring: service.monitoringEnabled };
    });
  };
}
