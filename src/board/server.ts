/**
 * The web board: a page on loopback that follows an exercise's journal and shows it to the room, updated
 * by server-sent events. Each (re)connection gets the whole current view, so a page that slept catches up
 * at once; the `Last-Event-ID` it sends back (the last journal entry it saw) tells it what is new.
 *
 * The facilitator's actions (release a hint, end the exercise) exist only when the board runs inside the
 * `sirs start` that controls the exercise. They are POSTs carrying a per-exercise token in a header, so a
 * page from another origin can neither send them (a custom header needs a CORS preflight, and no CORS
 * header is ever sent) nor make a form do it. Every request must name the board's own loopback host and
 * port in `Host` (no DNS rebinding) and, when it has an `Origin`, the board's own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SirsError } from '../errors.js';
import { JournalFollower } from './follow.js';
import { renderBoardPage } from './page.js';
import { boardView, type BoardView } from './view.js';

/** What the facilitator can do to a running exercise (the controller). */
export interface FacilitatorControls {
  releaseHint(): boolean;
  end(): void;
}

export interface BoardServerOptions {
  exerciseId: string;
  journalPath: string;
  /** A fixed port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Issue a facilitator token; actions work once `attach()` hands over the controller. */
  actions?: boolean;
  /** Wall clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** How often the journal is read for entries written by others (default 500 ms). */
  pollMs?: number;
  /** A ping on every stream, so a page that slept notices a dead one and opens another (default 15 s). */
  heartbeatMs?: number;
}

/** What each server-sent `view` event carries. */
export interface BoardMessage {
  view: BoardView;
  /** The facilitator's actions are available (to a page that holds the token). */
  actions: boolean;
  /** On a reconnection: the last entry the page had seen. */
  since?: number;
}

export const TOKEN_HEADER = 'x-sirs-board-token';
const HOST = '127.0.0.1';

export class BoardServer {
  private readonly follower: JournalFollower;
  private readonly streams = new Set<ServerResponse>();
  private readonly token?: string;
  private controls?: FacilitatorControls;
  private view: BoardView;
  private timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly server: Server,
    private readonly opts: BoardServerOptions,
    readonly port: number,
  ) {
    this.follower = new JournalFollower(opts.journalPath);
    if (opts.actions) this.token = randomBytes(24).toString('base64url');
    this.follower.poll();
    this.view = this.compute();
    server.on('request', (req, res) => this.handle(req, res));
    this.timers.push(setInterval(() => this.refresh(), opts.pollMs ?? 500));
    this.timers.push(
      setInterval(() => {
        for (const s of this.streams) s.write('event: ping\ndata: {}\n\n');
      }, opts.heartbeatMs ?? 15_000),
    );
    for (const t of this.timers) t.unref();
  }

  static async start(opts: BoardServerOptions): Promise<BoardServer> {
    const server = createServer();
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new SirsError('port-in-use', `port ${opts.port} on ${HOST} is in use: the board cannot start`, {
                suggestions: ['choose another port, or leave it out for a free one'],
              })
            : err,
        ),
      );
      server.listen(opts.port ?? 0, HOST, () => resolve());
    });
    return new BoardServer(server, opts, (server.address() as AddressInfo).port);
  }

  /** The read-only board. */
  get url(): string {
    return `http://${HOST}:${this.port}/`;
  }

  /** The facilitator's board: the token in the fragment (never sent over the wire, never in a log). */
  get facilitatorUrl(): string | undefined {
    return this.token ? `${this.url}#token=${this.token}` : undefined;
  }

  /** Hand over the running controller: the facilitator's actions work from now on. */
  attach(controls: FacilitatorControls): void {
    this.controls = controls;
    this.broadcast();
  }

  /** Read the journal now and send the new view if it changed (call after each controller event). */
  refresh(): void {
    const fresh = this.follower.poll();
    const running = this.view.running;
    this.view = this.compute();
    if (fresh > 0 || running !== this.view.running) this.broadcast();
  }

  /** Close every event stream as a dropped network would (the pages reconnect and catch up). */
  dropStreams(): void {
    for (const s of this.streams) s.socket?.destroy();
    this.streams.clear();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.streams) s.end();
    this.streams.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private compute(): BoardView {
    return boardView(this.opts.exerciseId, this.follower.entries, (this.opts.now ?? Date.now)());
  }

  private get actionsAvailable(): boolean {
    return this.token !== undefined && this.controls !== undefined && this.view.running;
  }

  private message(since?: number): string {
    const body: BoardMessage = {
      view: this.view,
      actions: this.actionsAvailable,
      ...(since !== undefined ? { since } : {}),
    };
    return `id: ${this.view.seq}\nevent: view\ndata: ${JSON.stringify(body)}\n\n`;
  }

  private broadcast(): void {
    const text = this.message();
    for (const s of this.streams) s.write(text);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const refusal = this.refusal(req);
    if (refusal) return send(res, refusal.status, { error: refusal.message });
    const url = new URL(req.url ?? '/', this.url);
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        return this.page(res);
      case 'GET /events':
        return this.stream(req, res, url);
      case 'GET /view.json':
        return send(res, 200, { view: this.view, actions: this.actionsAvailable });
      case 'POST /actions/hint':
      case 'POST /actions/end':
        return this.act(req, res, url.pathname === '/actions/hint' ? 'hint' : 'end');
      default:
        if (['/', '/events', '/view.json', '/actions/hint', '/actions/end'].includes(url.pathname)) {
          res.setHeader('Allow', url.pathname.startsWith('/actions/') ? 'POST' : 'GET');
          return send(res, 405, { error: `${req.method} is not allowed on ${url.pathname}` });
        }
        return send(res, 404, { error: `no such page: ${url.pathname}` });
    }
  }

  /** Requests must be for this board on loopback, and from its own page when they come from a browser. */
  private refusal(req: IncomingMessage): { status: number; message: string } | undefined {
    const own = [`${HOST}:${this.port}`, `localhost:${this.port}`];
    const host = req.headers.host ?? '';
    if (!own.includes(host)) return { status: 421, message: `this board answers only to ${own[0]}` };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`)
      return { status: 403, message: 'requests from another origin are refused' };
    const site = req.headers['sec-fetch-site'];
    if (req.method !== 'GET' && site !== undefined && site !== 'same-origin' && site !== 'none')
      return { status: 403, message: 'requests from another site are refused' };
    return undefined;
  }

  private page(res: ServerResponse): void {
    const nonce = randomBytes(18).toString('base64');
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "connect-src 'self'",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      ...SAFE_HEADERS,
    });
    res.end(renderBoardPage({ nonce, exerciseId: this.opts.exerciseId }));
  }

  private stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      ...SAFE_HEADERS,
    });
    // The browser sends Last-Event-ID when it reconnects by itself; the page passes `since` when it
    // opens a new stream after the old one failed for good (a laptop that slept through several retries).
    const last = Number(req.headers['last-event-id'] ?? url.searchParams.get('since') ?? Number.NaN);
    res.write('retry: 1000\n\n');
    res.write(this.message(Number.isInteger(last) && last >= -1 ? last : undefined));
    this.streams.add(res);
    const done = () => this.streams.delete(res);
    req.on('close', done);
    res.on('error', done);
  }

  private act(req: IncomingMessage, res: ServerResponse, action: 'hint' | 'end'): void {
    req.resume();
    const given = req.headers[TOKEN_HEADER];
    if (!this.token || typeof given !== 'string' || !sameSecret(given, this.token))
      return send(res, 403, { error: 'the facilitator token is missing or wrong' });
    if (!this.controls || !this.view.running)
      return send(res, 409, { error: 'the exercise is not running under this board' });
    if (action === 'hint') {
      const released = this.controls.releaseHint();
      this.refresh();
      return send(res, 200, {
        ok: released,
        message: released ? 'hint released' : 'no hint left to release',
      });
    }
    this.controls.end();
    this.refresh();
    return send(res, 200, { ok: true, message: 'ending the exercise' });
  }
}

const SAFE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...SAFE_HEADERS });
  res.end(JSON.stringify(body));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
