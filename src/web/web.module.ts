import { Module } from '@nestjs/common';
import { WebController } from './web.controller';

/** The reference web client served by the app at `/` (FRONTEND_URL's default). */
@Module({ controllers: [WebController] })
export class WebModule {}
