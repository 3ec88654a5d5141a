export * from './identity-provider';
export * from './esia.errors';
export { EsiaModule } from './esia.module';
