// 待办 / 已办 / 通知 of the signed-in user (issue 12 item 2): the cases where the user may act now, nearest deadline
// first; the decisions the user took; the notifications addressed to the user's role and organisation, read/unread.
import { join, resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OutboxStore } from '../../../activities/outbox';
import type { CaseParties } from '../../../machines/roles';
import { caseState } from '../../cases';
import { NotificationViewSchema, openOutbox } from '../../notifications';
import { ReadMarks } from '../../read-marks';
import { defaultCaseRecordStore } from '../../case-record';
import { doneFromRecord, doneList, inbox, todoList } from '../../todo';
import { listScope, userDistrict } from '../access';
import type { RouteContext } from '../route-context';
import { LocalizedSchema, bearer, errors } from '../schemas';
import { abortSignalOf } from '../call-cancel';

const TodoDeadlineSchema = z.object({
  kind: z.string(),
  label: LocalizedSchema,
  due: z.string().describe('到期日 YYYY-MM-DD（北京时间）'),
  clause: z.string(),
  workingDays: z.boolean().describe('按工作日计算 (counted in working days)'),
  daysLeft: z.number().int().describe('剩余天数（工作日或自然日），负数为已逾期 (days left; negative when overdue)'),
  overdue: z.boolean(),
});
const TodoItemSchema = z
  .object({
    caseId: z.string(),
    creditCode: z.string(),
    enterprise: z.string().optional(),
    district: z.string().optional(),
    township: z.string().optional(),
    stage: z.string(),
    stageLabel: LocalizedSchema,
    actions: z.array(z.object({ type: z.string(), title: LocalizedSchema, clause: z.string() })),
    deadline: TodoDeadlineSchema.optional(),
    overdue: z.boolean(),
  })
  .meta({ id: 'TodoItem' });
const TodoListSchema = z.object({ today: z.string(), items: z.array(TodoItemSchema), truncated: z.boolean(), unanswered: z.number().int() });
const DoneItemSchema = z.object({
  at: z.string(),
  caseId: z.string(),
  type: z.string(),
  title: LocalizedSchema,
  clause: z.string(),
  requestId: z.string().optional(),
  occurredOn: z.string().optional(),
  seq: z.number().int().optional(),
  attachments: z.number().int().optional().describe('决定所附文件数 (documents the decision carried)'),
});
const InboxItemSchema = NotificationViewSchema.extend({ read: z.boolean(), readAt: z.string().optional() });
const InboxSchema = z.object({ items: z.array(InboxItemSchema), unread: z.number().int(), total: z.number().int() });

export const todoRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who } = ctx;

  let outbox: OutboxStore | undefined = deps.outbox;
  let ownOutbox = false;
  const theOutbox = (): OutboxStore => {
    if (!outbox) {
      outbox = openOutbox();
      ownOutbox = true;
    }
    return outbox;
  };
  let marks: ReadMarks | undefined;
  const readMarks = (): ReadMarks => (marks ??= ReadMarks.inDataDir(resolve(deps.dataDir ?? process.env.HANDOVER_DATA_DIR ?? join(__dirname, '..', '..', '..', 'data'))));
  app.addHook('onClose', async () => {
    marks?.close();
    if (ownOutbox) await outbox?.close();
  });

  api.get(
    '/api/todo',
    {
      schema: {
        tags: ['todo'],
        summary: '我的待办：现在可以办理的案件，按最近期限排序 (my to-do: cases where I may act now, nearest deadline first)',
        description:
          '登录用户可见、且其角色和组织现在可以提交决定的在办案件；期限为本案最近的期限（已错过的在前），按工作日计算的期限以工作日计剩余天数。' +
          ' Running cases the signed-in user may see and act on now; the deadline is the case\'s nearest (a missed one first); days left are working days where the rule counts working days.',
        security: bearer,
        response: { 200: TodoListSchema, ...errors },
      },
    },
    async (req) => {
      const user = who(req);
      return todoList(deps.client, user, { scope: listScope(user), signal: abortSignalOf(req), ...(user.role === 'parentGroup' ? { parentGroup: user.org } : {}) });
    },
  );

  api.get(
    '/api/todo/done',
    {
      schema: {
        tags: ['todo'],
        summary: '我的已办：我提交并已办理的决定，最新在前 (decisions I took, newest first)',
        description:
          '取自案件记录：决定人为登录用户的全部决定（经 API，或经命令行 `--as 用户名` 提交的）；以 角色@组织 提交、未记用户名的不在其中。' +
          ' From the case record: every decision whose actor is the signed-in user (through the API, or the CLI\'s `--as <user>`); those sent as role@organisation name no user and are not listed.',
        security: bearer,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict(),
        response: { 200: z.object({ items: z.array(DoneItemSchema) }), ...errors },
      },
    },
    async (req) => {
      const user = who(req);
      const store = deps.record ?? (await defaultCaseRecordStore().catch(() => undefined));
      if (store?.decisionsBy) return { items: doneFromRecord(await store.decisionsBy(user.name, { limit: req.query.limit })) };
      return { items: doneList(deps.audit.read(), user.name, req.query.limit) };
    },
  );

  /** How long one case may take to name its parties for a notification's addressee. */
  const PARTIES_QUERY_MS = 5_000;

  async function myInbox(req: Parameters<RouteContext['who']>[0]) {
    const user = who(req);
    const items = await inbox(theOutbox(), user, {
      district: userDistrict(user),
      signal: abortSignalOf(req),
      // A case that does not answer soon (its worker down) is left out rather than holding the list open.
      partiesOf: async (caseId) => (await deps.client.withDeadline(Date.now() + PARTIES_QUERY_MS, () => caseState(deps.client, caseId))).context.parties as CaseParties,
    });
    const read = readMarks().readOf(user.name, items.map((i) => i.key));
    return { user, items: items.map((i) => ({ ...i, read: read.has(i.key), ...(read.has(i.key) ? { readAt: read.get(i.key)! } : {}) })) };
  }

  api.get(
    '/api/todo/notifications',
    {
      schema: {
        tags: ['todo'],
        summary: '我的通知（催办、督办、提醒），已读/未读 (notifications addressed to my role and organisation)',
        description:
          '发件箱中收件角色为登录用户角色、且属其组织（区县、乡镇街道、企业、集团）的通知，最新在前。 Outbox rows addressed to the user\'s role and belonging to its organisation, newest first.',
        security: bearer,
        querystring: z.object({ unread: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(),
        response: { 200: InboxSchema, ...errors },
      },
    },
    async (req) => {
      const { items } = await myInbox(req);
      const unread = items.filter((i) => !i.read).length;
      const shown = req.query.unread === 'true' ? items.filter((i) => !i.read) : req.query.unread === 'false' ? items.filter((i) => i.read) : items;
      return { items: shown.slice(0, req.query.limit), unread, total: items.length };
    },
  );

  api.post(
    '/api/todo/notifications/read',
    {
      schema: {
        tags: ['todo'],
        summary: '标为已读 (mark notifications read)',
        description: '`keys`：要标为已读的通知编号；`all: true`：我的全部通知。只能标记发给自己的通知。 Only notifications addressed to the caller can be marked.',
        security: bearer,
        body: z
          .object({ keys: z.array(z.string().min(1).max(300)).max(1000).optional(), all: z.boolean().optional() })
          .strict()
          .refine((b) => b.all === true || (b.keys?.length ?? 0) > 0, { message: '请给出 keys 或 all: true (give keys or all: true)', path: ['keys'] }),
        response: { 200: z.object({ marked: z.number().int(), unread: z.number().int() }), ...errors },
      },
    },
    async (req) => {
      const { user, items } = await myInbox(req);
      const mine = new Set(items.map((i) => i.key));
      const keys = req.body.all ? [...mine] : (req.body.keys ?? []).filter((k) => mine.has(k));
      const marked = readMarks().markRead(user.name, keys);
      const unread = items.filter((i) => !i.read && !keys.includes(i.key)).length;
      return { marked, unread };
    },
  );
};
