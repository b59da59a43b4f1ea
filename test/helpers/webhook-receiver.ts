// A local group-robot webhook (standing in for WeCom/DingTalk) that can be told to fail: counts every post by its
// idempotency key, and which posts it accepted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookPost {
  key: string;
  body: string;
  at: number;
  status: number;
  /** The robot error code it answered (0 = accepted). */
  errcode: number;
}

export interface WebhookReceiver {
  url: string;
  posts: WebhookPost[];
  /** `ok`: 200 {"errcode":0}; `fail`: HTTP 500; `robotError`: 200 with a non-zero errcode. */
  mode: 'ok' | 'fail' | 'robotError';
  /** Delay before each answer, in ms. */
  delayMs: number;
  /** Posts it accepted (status 200 with errcode 0), by key. */
  accepted(key?: string): WebhookPost[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const state: WebhookReceiver = {
    url: '',
    posts: [],
    mode: 'ok',
    delayMs: 0,
    accepted: (key) => state.posts.filter((p) => p.status === 200 && p.errcode === 0 && (key === undefined || p.key === key)),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      // Recorded when the post arrives (a sender that gave up waiting still reached the robot).
      const key = String(req.headers['idempotency-key'] ?? '');
      const mode = state.mode;
      const post: WebhookPost = { key, body, at: Date.now(), status: mode === 'fail' ? 500 : 200, errcode: mode === 'ok' ? 0 : mode === 'robotError' ? 45009 : -1 };
      state.posts.push(post);
      const answer = () => {
        if (mode === 'fail') res.writeHead(500).end('robot busy');
        else if (mode === 'robotError') res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":45009,"errmsg":"api freq out of limit"}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      };
      if (state.delayMs > 0) setTimeout(answer, state.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot`;
  return state;
}
