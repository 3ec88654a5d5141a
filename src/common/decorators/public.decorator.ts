import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'diary:isPublic';

/** Marks a route (or controller) as reachable without an access token. Everything else is guarded. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
