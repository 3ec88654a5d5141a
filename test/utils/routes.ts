import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { TestApp } from './create-test-app';

export interface RouteTarget {
  method: string;
  /** The full path as clients call it (`/api/v1/...`, or unprefixed for health, the emulator and the web client). */
  path: string;
  /** What decorators sit on: the handler method and its controller class. */
  handler: object;
  controller: object;
}

/** Every controller route of the running app. */
export function walkRoutes(t: TestApp): RouteTarget[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const routes: RouteTarget[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const sub = Reflect.getMetadata(PATH_METADATA, handler);
      if (sub === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const raw = `/${[base, String(sub)].filter((s) => s && s !== '/').join('/')}`.replace(/\/+/g, '/');
      const unprefixed = raw.startsWith('/health/') || raw.startsWith('/esia-emulator') || raw === '/' || raw.startsWith('/web/');
      routes.push({ method, path: unprefixed ? raw : `/api/v1${raw}`, handler, controller: metatype });
    }
  }
  return routes;
}
