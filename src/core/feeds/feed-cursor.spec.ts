import { FEED_START, oneFeedTarget, parseFeedCursor, readFeedPage } from './feed-cursor';

const U1 = '0a6b2c1e-8a4d-4c1b-9d2e-0a1b2c3d4e5f';
const U2 = 'f36b2c1e-8a4d-4c1b-9d2e-0a1b2c3d4e5f';

describe('feed cursor', () => {
  it('starts before every change and reads back what it wrote', () => {
    expect(parseFeedCursor(undefined)).toEqual(FEED_START);
    expect(parseFeedCursor(`42.${U1}`)).toEqual({ xid: '42', id: U1 });
    expect(parseFeedCursor('42.1042')).toEqual({ xid: '42', id: '1042' });
  });

  it('refuses what it never gives out', () => {
    for (const bad of ['abc', '42', `42.${U1.toUpperCase()}`, '99999999999999999999.1', `-1.${U1}`]) {
      expect(() => parseFeedCursor(bad)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    }
  });

  it('merges its sources in (xid as a number, id as text) order and continues after the last item', async () => {
    const rows = {
      a: [
        { cx: '9', id: U2 },
        { cx: '100', id: '7' },
      ],
      b: [
        { cx: '9', id: '1042' },
        { cx: '10', id: U1 },
      ],
    };
    const page = await readFeedPage(undefined, 3, [async () => rows.a, async () => rows.b], (r) => r.map((x) => `${x.cx}/${x.id}`));
    expect(page).toEqual({ items: [`9/1042`, `9/${U2}`, `10/${U1}`], nextCursor: `10.${U1}`, hasMore: true });
  });

  it('answers the same cursor when nothing changed', async () => {
    const page = await readFeedPage(`77.${U1}`, 10, [async () => []], (r) => r);
    expect(page).toEqual({ items: [], nextCursor: `77.${U1}`, hasMore: false });
  });

  it('asks each source for one more row than the page, to know whether more are waiting', async () => {
    const asked: number[] = [];
    await readFeedPage(undefined, 5, [async (_a, n) => (asked.push(n), [])], (r) => r);
    expect(asked).toEqual([6]);
  });

  it('wants exactly one target', () => {
    expect(oneFeedTarget({ classId: 'x' }, ['classId', 'studentId'])).toBe('classId');
    expect(() => oneFeedTarget({}, ['classId', 'studentId'])).toThrow(expect.objectContaining({ code: 'FEED_TARGET_REQUIRED' }));
    expect(() => oneFeedTarget({ classId: 'x', studentId: 'y' }, ['classId', 'studentId'])).toThrow(
      expect.objectContaining({ code: 'FEED_TARGET_REQUIRED' }),
    );
  });
});
