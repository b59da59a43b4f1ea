// What every route plugin of the API gets: the dependencies, the signed-in user, the case it may see, the audit log.
import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { CaseParties } from '../../machines/roles';
import type { CaseState } from '../../workflows/messages';
import type { CaseRecordStore } from '../../activities/case-record/store';
import type { OutboxStore } from '../../activities/outbox';
import type { User, UsersStore } from '../admin/users';
import { AmbiguousCaseError, resolveCaseId } from '../case-ref';
import { caseState } from '../cases';
import { CaseNotFoundError } from '../errors';
import type { AuditLog } from './audit';
import { caseAccessProblem } from './access';
import { ApiError } from './api-error';
import type { SessionSettings } from './session';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  users: UsersStore;
  audit: AuditLog;
  /** Where monthly reports are written, one folder per district: `<reportsDir>/<district>/<file>`. */
  reportsDir: string;
  /** Static files of the web console; default client/console. */
  consoleDir?: string;
  /** Session cookie, lockout and rate-limit settings (client/api/session.ts); defaults there. */
  session?: Partial<SessionSettings>;
  /** Fastify's trustProxy: true, or the proxies' addresses (HANDOVER_TRUST_PROXY); default none. */
  trustProxy?: boolean | string;
  logger?: boolean;
  /** The case record store the timeline is read from; default from settings (client/case-record.ts). */
  record?: CaseRecordStore;
  /** Where per-user data of the console lives (read marks of notifications); default HANDOVER_DATA_DIR or data/. */
  dataDir?: string;
  /** The notification outbox the worker writes; default client/notifications.ts openOutbox() (opened on first use). */
  outbox?: OutboxStore;
}

export interface AuditEntry {
  action: string;
  outcome: string;
  caseId?: string;
  eventType?: string;
  requestId?: string;
  code?: string;
  detail?: string;
}

/** Passed to every route plugin as its options. */
export interface RouteContext {
  deps: ApiDeps;
  /** The signed-in user (every non-public route has one). */
  who(req: FastifyRequest): User;
  /** The case's state, once the caller is known to be allowed to see it (404 unknown, 403 not theirs). */
  visibleCase(req: FastifyRequest, rawId: string): Promise<CaseState>;
  /** Records a change (or a refused change) in the audit log as the signed-in user. */
  audit(req: FastifyRequest, entry: AuditEntry): void;
}

export function routeContext(deps: ApiDeps): RouteContext {
  const who = (req: FastifyRequest): User => req.user!;
  return {
    deps,
    who,
    async visibleCase(req, rawId) {
      let state: CaseState;
      try {
        state = await caseState(deps.client, await resolveCaseId(deps.client, rawId));
      } catch (err) {
        if (err instanceof CaseNotFoundError) throw new ApiError(404, 'caseNotFound', err.text);
        if (err instanceof AmbiguousCaseError) throw new ApiError(409, err.code, err.text);
        throw err;
      }
      const problem = caseAccessProblem(who(req), state.context.parties as CaseParties);
      if (problem) throw new ApiError(403, 'forbidden', problem);
      return state;
    },
    audit(req, entry) {
      const u = who(req);
      deps.audit.record({ user: u.name, role: u.role, org: u.org, method: req.method, url: req.url, ip: req.ip, ...entry });
    },
  };
}
