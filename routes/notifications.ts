import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, ref } from '../schemas/common.js'
import { BadRequest } from '../lib/errors.js'
import { MarkNotificationsRequest, MarkNotificationsResponse, NotificationList, NotificationListQuery } from '../schemas/notifications.js'

// A user sees and marks only their own notifications; another user's ids are simply not found.
const notifications: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/notifications', {
    schema: {
      operationId: 'listNotifications', tags: ['notifications'], summary: 'Your notifications, newest first (with since: what you missed, oldest first), and how many are unread',
      description: 'Your notifications, newest first (with since: those after it, oldest first, to catch up), and how many are unread. The same arrive live as the `notification` event.',
      querystring: ref(NotificationListQuery),
      response: { 200: ref(NotificationList), ...errors(400) }
    }
  }, async (req) => {
    const [list, unread] = await Promise.all([app.notifications.list(req.user.id, req.query), app.notifications.unreadCount(req.user.id)])
    return { success: true as const, notifications: list, unread }
  })

  app.post('/api/notifications/read', {
    schema: {
      operationId: 'markNotificationsRead', tags: ['notifications'], summary: 'Mark notifications read: these ids, or all',
      description: 'Marks the listed notifications (or all of yours) read, and answers how many it marked and how many stay unread.',
      body: ref(MarkNotificationsRequest),
      response: { 200: ref(MarkNotificationsResponse), ...errors(400) }
    }
  }, async (req) => {
    const { ids, all } = req.body
    if ((ids === undefined) === (all === undefined)) throw new BadRequest('send either ids (a list of notification ids) or all: true')
    const marked = await app.notifications.markRead(req.user.id, all === true ? 'all' : ids ?? [])
    return { success: true as const, marked, unread: await app.notifications.unreadCount(req.user.id) }
  })
}

export default notifications
