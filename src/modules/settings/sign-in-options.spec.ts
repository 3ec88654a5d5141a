import { Role } from '../../common/auth/role';
import { authPhase, RegionAuthPolicy, signInOptions } from './sign-in-options';

const at = (iso: string) => new Date(iso);
const policy = (o: Partial<RegionAuthPolicy> = {}): RegionAuthPolicy => ({
  esiaEnabled: true,
  transitionStartsAt: at('2026-09-01T00:00:00+03:00'),
  transitionEndsAt: at('2026-12-31T00:00:00+03:00'),
  staffPasswordLogin: false,
  ...o,
});
const student = [Role.Student];
const teacher = [Role.Teacher];
const parentTeacher = [Role.Parent, Role.Teacher];

describe('signInOptions', () => {
  it.each<
    [
      string,
      RegionAuthPolicy | null,
      Role[],
      string,
      { phase: string; password: boolean; esia: boolean; suggestLink: boolean; staffException?: boolean },
    ]
  >([
    [
      'no settings row (or no region): password only',
      null,
      student,
      '2026-10-01T12:00:00Z',
      { phase: 'esia_off', password: true, esia: false, suggestLink: false },
    ],
    [
      'ESIA off even with dates in the past',
      policy({ esiaEnabled: false }),
      student,
      '2027-06-01T00:00:00Z',
      { phase: 'esia_off', password: true, esia: false, suggestLink: false },
    ],
    [
      'before the start: password only, ESIA not yet',
      policy(),
      student,
      '2026-08-31T20:59:59Z',
      { phase: 'before_transition', password: true, esia: false, suggestLink: false },
    ],
    [
      'exactly at the start: transition',
      policy(),
      student,
      '2026-08-31T21:00:00Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true },
    ],
    [
      'during: both, suggest linking',
      policy(),
      student,
      '2026-10-15T10:00:00Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true },
    ],
    [
      'one millisecond before the end: still both',
      policy(),
      student,
      '2026-12-30T20:59:59.999Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true },
    ],
    [
      'exactly at the end: ESIA only',
      policy(),
      student,
      '2026-12-30T21:00:00Z',
      { phase: 'esia_only', password: false, esia: true, suggestLink: false },
    ],
    [
      'after the end: staff without the exception are closed too',
      policy(),
      teacher,
      '2027-02-01T00:00:00Z',
      { phase: 'esia_only', password: false, esia: true, suggestLink: false, staffException: false },
    ],
    [
      'after the end with the staff exception: teacher keeps the password',
      policy({ staffPasswordLogin: true }),
      teacher,
      '2027-02-01T00:00:00Z',
      { phase: 'esia_only', password: true, esia: true, suggestLink: false, staffException: true },
    ],
    [
      'staff exception: a parent who also teaches counts as staff',
      policy({ staffPasswordLogin: true }),
      parentTeacher,
      '2027-02-01T00:00:00Z',
      { phase: 'esia_only', password: true, esia: true, suggestLink: false, staffException: true },
    ],
    [
      'staff exception does not cover students',
      policy({ staffPasswordLogin: true }),
      student,
      '2027-02-01T00:00:00Z',
      { phase: 'esia_only', password: false, esia: true, suggestLink: false, staffException: false },
    ],
    [
      'staff exception does not cover parents',
      policy({ staffPasswordLogin: true }),
      [Role.Parent],
      '2027-02-01T00:00:00Z',
      { phase: 'esia_only', password: false, esia: true, suggestLink: false },
    ],
    [
      'staff exception: region admin',
      policy({ staffPasswordLogin: true }),
      [Role.RegionAdmin],
      '2027-02-01T00:00:00Z',
      { phase: 'esia_only', password: true, esia: true, suggestLink: false },
    ],
    [
      'staff exception means nothing during the transition',
      policy({ staffPasswordLogin: true }),
      teacher,
      '2026-10-01T00:00:00Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true, staffException: false },
    ],
    [
      'no start date: the transition has begun',
      policy({ transitionStartsAt: null }),
      student,
      '2020-01-01T00:00:00Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true },
    ],
    [
      'no end date: the transition never ends',
      policy({ transitionEndsAt: null }),
      student,
      '2099-01-01T00:00:00Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true },
    ],
    [
      'no dates at all: both ways for good',
      policy({ transitionStartsAt: null, transitionEndsAt: null }),
      student,
      '2026-01-01T00:00:00Z',
      { phase: 'transition', password: true, esia: true, suggestLink: true },
    ],
    [
      'only an end in the past: ESIA only',
      policy({ transitionStartsAt: null, transitionEndsAt: at('2026-01-01T00:00:00Z') }),
      [Role.Parent],
      '2026-05-01T00:00:00Z',
      { phase: 'esia_only', password: false, esia: true, suggestLink: false },
    ],
  ])('%s', (_name, p, roles, now, expected) => {
    expect(signInOptions(p, roles, at(now))).toMatchObject(expected);
  });

  it('authPhase agrees with signInOptions', () => {
    expect(authPhase(policy(), at('2026-10-01T00:00:00Z'))).toBe('transition');
    expect(authPhase(null, at('2026-10-01T00:00:00Z'))).toBe('esia_off');
  });
});
