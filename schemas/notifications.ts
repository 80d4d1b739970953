import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'

export const NotificationKind = Type.Union([
  Type.Literal('execution.failed'),
  Type.Literal('execution.self_debugged'),
  Type.Literal('plugin.generated'),
  Type.Literal('plugin.rejected'),
  Type.Literal('key.created'),
  Type.Literal('key.revoked'),
  Type.Literal('schedule.skipped'),
  Type.Literal('approval.requested')
], {
  $id: 'NotificationKind',
  description: 'What happened: a run of yours failed for good (execution.failed) or needed self-debugging (execution.self_debugged, recovered or not); ' +
    'a plugin generation stored a plugin (plugin.generated) or refused it after its checks failed (plugin.rejected); an API key of yours was created or revoked; ' +
    'a scheduled run of a workflow was not started (schedule.skipped); a run waits for your decision at an approval step (approval.requested: ' +
    'answer with POST /api/executions/{executionId}/approvals/{stepId}).'
})
export type NotificationKind = Static<typeof NotificationKind>

export const NotificationData = Type.Object({
  executionId: Type.Optional(Type.String()),
  executionType: Type.Optional(Type.String({ description: 'The run\'s type: workflow, prompt, agent, plugin...' })),
  workflowId: Type.Optional(Type.String()),
  pluginId: Type.Optional(Type.String()),
  keyId: Type.Optional(Type.String()),
  stepId: Type.Optional(Type.String({ description: 'execution.failed: the step the run failed at; approval.requested: the approval step waiting for a decision.' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'approval.requested: when the approval times out, if it does.' })),
  errorCode: Type.Optional(Type.String({ description: 'execution.failed, plugin.rejected: the code of the error the run ended with.' })),
  recovered: Type.Optional(Type.Boolean({ description: 'execution.self_debugged: every remedy self-debugging applied made its step succeed.' })),
  diagnoses: Type.Optional(Type.Integer({ description: 'execution.self_debugged: how many remedies self-debugging applied.' })),
  scheduledAt: Type.Optional(Type.String({ format: 'date-time', description: 'schedule.skipped: the tick that was not started.' })),
  reason: Type.Optional(Type.String({ description: 'schedule.skipped: why (overlap: the previous scheduled run was still going).' })),
  blockingExecutionId: Type.Optional(Type.String({ description: 'schedule.skipped: the run that was still going.' }))
}, { $id: 'NotificationData', additionalProperties: false, description: 'Ids of what the notification is about, by kind.' })
export type NotificationData = Static<typeof NotificationData>

export const Notification = Type.Object({
  id: Type.String(),
  kind: ref(NotificationKind),
  title: Type.String({ description: 'One line, for a list or a toast.' }),
  message: Type.String({ description: 'What happened, in a sentence or two.' }),
  ts: Type.String({ format: 'date-time', description: 'When it happened.' }),
  read: Type.Boolean({ description: 'Marked read with POST /api/notifications/read.' }),
  data: Type.Optional(ref(NotificationData))
}, { $id: 'Notification', description: 'Something a user wants to hear about without asking; also sent live as the `notification` event to every socket of the user.' })
export type Notification = Static<typeof Notification>

export const NotificationListQuery = Type.Object({
  unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones.' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Only those after this time (exclusive), oldest first: what a reconnecting client missed. Without it, newest first.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'At most this many.' }))
}, { $id: 'NotificationListQuery', additionalProperties: false })
export type NotificationListQuery = Static<typeof NotificationListQuery>

export const NotificationList = Type.Object({
  success: Type.Literal(true),
  notifications: Type.Array(ref(Notification)),
  unread: Type.Integer({ minimum: 0, description: 'How many of your notifications are unread (all of them, not only those listed).' })
}, { $id: 'NotificationList', description: 'Notifications and the unread count.' })

export const MarkNotificationsRequest = Type.Object({
  ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 500, description: 'The notifications to mark read (ids that are not yours are ignored).' })),
  all: Type.Optional(Type.Literal(true, { description: 'Mark every notification of yours read.' }))
}, { $id: 'MarkNotificationsRequest', additionalProperties: false, description: 'Either ids or all: true (not both).', examples: [{ all: true }] })
export type MarkNotificationsRequest = Static<typeof MarkNotificationsRequest>

export const MarkNotificationsResponse = Type.Object({
  success: Type.Literal(true),
  marked: Type.Integer({ minimum: 0, description: 'How many unread notifications this marked read.' }),
  unread: Type.Integer({ minimum: 0, description: 'How many stay unread.' })
}, { $id: 'MarkNotificationsResponse', description: 'What was marked.', examples: [{ success: true, marked: 3, unread: 0 }] })
