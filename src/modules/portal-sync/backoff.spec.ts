import { portalRetryDelay } from './backoff';

describe('portal retry delay', () => {
  it('waits exactly the configured delay before the first retry', () => {
    expect(portalRetryDelay(1, 30_000, 3_600_000, () => 0.99)).toBe(30_000);
  });

  it('then backs off exponentially with jitter, never below the first delay nor above the cap', () => {
    expect(portalRetryDelay(2, 30_000, 3_600_000, () => 0)).toBe(45_000);
    expect(portalRetryDelay(2, 30_000, 3_600_000, () => 1)).toBe(75_000);
    expect(portalRetryDelay(3, 30_000, 3_600_000, () => 0.5)).toBe(120_000);
    expect(portalRetryDelay(20, 30_000, 3_600_000, () => 1)).toBe(3_600_000);
    expect(portalRetryDelay(2, 30_000, 20_000, () => 0)).toBe(30_000);
  });
});
