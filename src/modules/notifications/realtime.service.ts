import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { NotificationView } from './dto/notifications.dto';

export interface StreamListener {
  send(n: NotificationView): void;
  /** Ends the stream (instance shutting down). */
  end(): void;
}

/**
 * Real-time fan-out across API instances: the worker PUBLISHes each new notification on one channel
 * (`<REDIS_PREFIX>:notifications`); every API instance holds one separate subscriber connection, opened
 * with its first SSE client, and hands messages to the streams of that user connected to it.
 */
@Injectable()
export class RealtimeService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeService.name);
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<StreamListener>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.redisPrefix}:notifications`;
  }

  /** Best effort: a client that misses a message catches up with Last-Event-ID or the list. */
  async publish(items: Array<{ userId: string; view: NotificationView }>): Promise<void> {
    if (items.length === 0) return;
    try {
      const pipeline = this.redis.pipeline();
      for (const i of items) pipeline.publish(this.channel, JSON.stringify({ u: i.userId, n: i.view }));
      await pipeline.exec();
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Real-time publish failed; clients catch up on reconnect');
    }
  }

  /** Registers a stream of one user on this instance; returns the unsubscribe function. */
  subscribe(userId: string, listener: StreamListener): () => void {
    this.ensureSubscriber();
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      const s = this.listeners.get(userId);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.listeners.delete(userId);
    };
  }

  /** Streams open on this instance (tests and diagnostics). */
  connectionCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private ensureSubscriber(): void {
    if (this.subscriber) return;
    // a separate connection: a subscribed client can run no other command; no key prefix on channels
    const sub = this.redis.duplicate({
      keyPrefix: undefined,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      enableAutoPipelining: false,
    });
    sub.on('error', (e: Error) => this.logger.warn({ err: e.message }, 'Real-time subscriber connection error'));
    sub.on('message', (_channel: string, raw: string) => this.dispatch(raw));
    sub.subscribe(this.channel).catch((e: Error) => this.logger.warn({ err: e.message }, 'Real-time subscribe failed'));
    this.subscriber = sub;
  }

  private dispatch(raw: string): void {
    let msg: { u?: string; n?: NotificationView };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg.u || !msg.n) return;
    for (const l of this.listeners.get(msg.u) ?? []) {
      try {
        l.send(msg.n);
      } catch {
        /* a broken stream must not stop the others */
      }
    }
  }

  /** Open streams are ended first, or closing the HTTP server would wait for them forever. */
  beforeApplicationShutdown(): void {
    for (const set of this.listeners.values()) for (const l of set) l.end();
    this.listeners.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
