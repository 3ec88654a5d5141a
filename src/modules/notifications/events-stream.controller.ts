import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SessionCheck } from '../auth/session-check';
import { NotificationView } from './dto/notifications.dto';
import { InboxService } from './inbox.service';
import { RealtimeService } from './realtime.service';

/**
 * EventSource cannot set headers, so the stream also accepts `?access_token=`. This middleware (bound
 * to the stream route only) moves it into the Authorization header, where the normal JWT guard checks
 * it, and removes it from the URL so nothing downstream can log it.
 */
export function accessTokenFromQuery(req: Request, _res: Response, next: NextFunction): void {
  const q = req.url.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(req.url.slice(q + 1));
    const token = params.get('access_token');
    if (token !== null) {
      params.delete('access_token');
      const rest = params.toString();
      req.url = req.url.slice(0, q) + (rest ? `?${rest}` : '');
      req.originalUrl = req.originalUrl.split('?')[0] + (rest ? `?${rest}` : '');
      if (!req.headers.authorization && token) req.headers.authorization = `Bearer ${token}`;
    }
  }
  next();
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('events')
export class EventsStreamController {
  constructor(
    private readonly inbox: InboxService,
    private readonly realtime: RealtimeService,
    private readonly sessions: SessionCheck,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('stream')
  @ApiOperation({
    summary: 'My notifications in real time (Server-Sent Events)',
    description:
      'text/event-stream: each new notification is an event `notification` with `id` = notification id and `data` = NotificationView (JSON). ' +
      'Comment lines (`: ping`) are heartbeats. Authenticate with the Bearer header or, for EventSource, `?access_token=`. ' +
      'On reconnect the browser sends Last-Event-ID and the missed notifications (up to 100) are sent first. ' +
      'When the session is ended (sign-out, sign-out everywhere, an unlinked Госуслуги account, the account blocked, ' +
      'its password changed or reset) the stream sends an event ' +
      '`session-ended` and closes within one heartbeat.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'access_token', required: false, description: 'Access token, for EventSource which cannot set headers' })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiOkResponse({ type: NotificationView, description: 'Stream of `notification` events' })
  async stream(@CurrentUser() p: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    // Read from the request rather than @Headers(): that decorator documents the header as required.
    const header = req.headers['last-event-id'];
    const lastEventId = typeof header === 'string' ? header : undefined;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setKeepAlive(true);
    req.socket.setNoDelay(true);

    let open = true;
    const write = (chunk: string): void => {
      if (open) res.write(chunk);
    };
    const send = (n: NotificationView): void => write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`);
    // buffer live events until the missed ones are out, so the order holds
    let backlog: NotificationView[] | null = [];
    const unsubscribe = this.realtime.subscribe(p.userId, {
      send: (n) => (backlog ? backlog.push(n) : send(n)),
      end: () => {
        cleanup();
        res.end();
      },
    });
    // Each heartbeat also asks whether the session was ended since the stream opened (the access token was
    // checked once, at the start): a signed-out or blocked phone must stop receiving a child's grades.
    const heartbeat = setInterval(() => {
      void this.sessions.hasEnded(p).then((ended) => {
        if (!ended) return write(': ping\n\n');
        write('event: session-ended\ndata: {}\n\n');
        cleanup();
        res.end();
      });
    }, this.config.notify.sseHeartbeatMs);
    const cleanup = (): void => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      unsubscribe();
    };
    req.on('close', cleanup);
    res.on('error', cleanup);

    write(`retry: 3000\n: connected\n\n`);
    const missed = await this.inbox.missedSince(p, lastEventId).catch(() => []);
    const sent = new Set<string>();
    for (const n of missed) {
      sent.add(n.id);
      send(n);
    }
    const queued = backlog;
    backlog = null;
    for (const n of queued) if (!sent.has(n.id)) send(n);
  }
}
