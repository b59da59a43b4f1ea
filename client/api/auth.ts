// Authentication decided on the routed path, deny by default. Fastify matches the route before the onRequest hooks
// run, with the path percent-decoded (`/%61pi/events` is routed to `/api/events`), so the decision is taken on the
// route the request will actually reach, never on the raw URL: every route needs a signed-in user unless it was
// declared with `config: { public: true }`; a request that matches no route (404) needs one too.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../admin/users';
import type { Localized } from '../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (health check, console files, API documentation, sign-in). */
    public?: boolean;
  }
  interface FastifyRequest {
    user: User | null;
  }
}

/** A way to recognise the caller: a user, undefined when this method does not apply, or a thrown ApiError. */
export type Authenticator = (req: FastifyRequest) => User | undefined | Promise<User | undefined>;

export const PUBLIC = { public: true } as const;

/** The 401 answer: what is missing, in both languages. */
export const NOT_SIGNED_IN: Localized = {
  zh: '未登录：请先登录，或在请求中带 Authorization: Bearer <令牌>',
  en: 'not signed in: sign in, or send Authorization: Bearer <token>',
};

/**
 * Installs the hook. `authenticators` are tried in order; the first that returns a user wins. `unauthenticated`
 * builds the error thrown when none does (the caller's ApiError, so the error handler answers 401).
 */
export function installAuthentication(app: FastifyInstance, authenticators: Authenticator[], unauthenticated: () => Error): void {
  if (!app.hasRequestDecorator('user')) app.decorateRequest('user', null);
  app.addHook('onRequest', async (req) => {
    // routeOptions.config is the matched route's; for a request that matched nothing it carries no `public` flag.
    if (req.routeOptions.config?.public === true && req.routeOptions.url !== undefined) return;
    for (const authenticate of authenticators) {
      const user = await authenticate(req);
      if (user) {
        req.user = user;
        return;
      }
    }
    throw unauthenticated();
  });
}

/** Marks every route registered in this context (and its children) public: for plugins such as the docs UI. */
export function markRoutesPublic(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true } as typeof route.config;
  });
}
