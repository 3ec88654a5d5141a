import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../src/core/http/configure-app';
import { createTestApp, TestApp } from '../utils/create-test-app';

/** docs/openapi.json is what frontend developers read without running the service: it must match the code. */
describe('docs/openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is the document the running service serves (regenerate with `npm run openapi`)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'));
    const current = JSON.parse(JSON.stringify(buildOpenApiDocument(t.app)));
    expect(Object.keys(current.paths).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(current).toEqual(committed);
  });
});
