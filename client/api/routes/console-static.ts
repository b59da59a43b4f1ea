// The web console's static files: a few ES modules, a stylesheet and a page, no build step. Public (the console
// signs in through the API). Pages live in client/console/pages/*.js.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ApiError } from '../api-error';
import { PUBLIC } from '../auth';
import type { RouteContext } from '../route-context';

const CONSOLE_FILES: Record<string, string> = {
  'index.html': 'text/html',
  'app.js': 'text/javascript',
  'forms.js': 'text/javascript',
  'i18n.js': 'text/javascript',
  'style.css': 'text/css',
};
const PAGE_FILE = /^[a-z][a-z0-9-]{0,60}\.js$/;

export const consoleStaticRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const consoleDir = ctx.deps.consoleDir ?? join(__dirname, '..', '..', 'console');
  const notFound = (name: string) => new ApiError(404, 'notFound', { zh: `文件不存在：${name}`, en: `no such file: ${name}` });
  const send = (file: string, type: string, reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache').type(`${type}; charset=utf-8`);
    return reply.send(readFileSync(file, 'utf8'));
  };
  const serveConsole = (name: string, reply: FastifyReply) => {
    const type = CONSOLE_FILES[name];
    if (!type) throw notFound(name);
    return send(join(consoleDir, name), type, reply);
  };
  app.get('/', { config: PUBLIC, schema: { hide: true } }, (_req, reply) => serveConsole('index.html', reply));
  app.get('/console/:file', { config: PUBLIC, schema: { hide: true } }, (req, reply) => serveConsole((req.params as { file: string }).file, reply));
  // A page module: a plain name ending in .js (no path tricks), present in pages/.
  app.get('/console/pages/:file', { config: PUBLIC, schema: { hide: true } }, (req, reply) => {
    const name = (req.params as { file: string }).file;
    const file = join(consoleDir, 'pages', name);
    if (!PAGE_FILE.test(name) || !existsSync(file)) throw notFound(`pages/${name}`);
    return send(file, 'text/javascript', reply);
  });
};
