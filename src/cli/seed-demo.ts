import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { loadConfig } from '../config/app-config';
import { prepareDatabase } from '../main';
import { SchoolsService } from '../modules/schools/schools.service';
import { SettingsService } from '../modules/settings/settings.service';
import { TeachingService } from '../modules/teaching/teaching.service';
import { AdminUsersService } from '../modules/users/admin-users.service';

/** Every demo account has this password (README lists the logins). */
export const DEMO_PASSWORD = 'Demo-2026!';
export const DEMO_REGION_CODE = 'DEMO';

const SEED_PRINCIPAL: Principal = {
  userId: '00000000-0000-0000-0000-000000000000',
  sessionId: 'seed',
  roles: [Role.PlatformAdmin],
  schoolId: null,
  regionId: null,
};

interface DemoUser {
  login: string;
  roles: Role[];
  lastName: string;
  firstName: string;
  middleName?: string;
  birthDate: string;
  snils?: string;
  className?: string;
  children?: string[];
}

/**
 * The demo school. Тестова Елена (parent) and Тестова Мария (her daughter, under 14) match persons
 * of the ESIA emulator, so "Войти через Госуслуги" can be tried with them.
 */
export const DEMO_USERS: DemoUser[] = [
  { login: 'platform.demo', roles: [Role.PlatformAdmin], lastName: 'Администраторов', firstName: 'Платон', birthDate: '1979-02-11' },
  {
    login: 'region.demo',
    roles: [Role.RegionAdmin],
    lastName: 'Регионова',
    firstName: 'Светлана',
    middleName: 'Игоревна',
    birthDate: '1981-05-20',
  },
  {
    login: 'admin.demo',
    roles: [Role.SchoolAdmin],
    lastName: 'Директорова',
    firstName: 'Галина',
    middleName: 'Петровна',
    birthDate: '1970-09-01',
  },
  {
    login: 'teacher.demo',
    roles: [Role.Teacher],
    lastName: 'Учителева',
    firstName: 'Ирина',
    middleName: 'Васильевна',
    birthDate: '1986-12-03',
  },
  {
    login: 'teacher2.demo',
    roles: [Role.Teacher],
    lastName: 'Физиков',
    firstName: 'Андрей',
    middleName: 'Николаевич',
    birthDate: '1990-04-17',
  },
  {
    login: 'student.demo',
    roles: [Role.Student],
    lastName: 'Тестова',
    firstName: 'Мария',
    middleName: 'Петровна',
    birthDate: '2016-05-10',
    className: '5А',
  },
  {
    login: 'student2.demo',
    roles: [Role.Student],
    lastName: 'Иванов',
    firstName: 'Кирилл',
    middleName: 'Андреевич',
    birthDate: '2012-08-23',
    className: '7Б',
  },
  {
    login: 'student3.demo',
    roles: [Role.Student],
    lastName: 'Соколова',
    firstName: 'Дарья',
    middleName: 'Олеговна',
    birthDate: '2012-02-14',
    className: '7Б',
  },
  {
    login: 'parent.demo',
    roles: [Role.Parent],
    lastName: 'Тестова',
    firstName: 'Елена',
    middleName: 'Викторовна',
    birthDate: '1987-07-07',
    snils: '156-783-409 04',
    children: ['student.demo'],
  },
  {
    login: 'parent2.demo',
    roles: [Role.Parent],
    lastName: 'Иванова',
    firstName: 'Ольга',
    middleName: 'Сергеевна',
    birthDate: '1984-03-30',
    children: ['student2.demo'],
  },
];

export async function seedDemo(ctx: { get<T>(token: unknown): T }): Promise<{ created: boolean }> {
  const db = ctx.get<DataSource>(getDataSourceToken());
  const [existing] = await db.query('SELECT id FROM regions WHERE code = $1', [DEMO_REGION_CODE]);
  if (existing) return { created: false };

  const schools = ctx.get<SchoolsService>(SchoolsService);
  const users = ctx.get<AdminUsersService>(AdminUsersService);
  const teaching = ctx.get<TeachingService>(TeachingService);
  const p = SEED_PRINCIPAL;

  const region = await schools.createRegion({ code: DEMO_REGION_CODE, name: 'Демонстрационный регион', timezone: 'Europe/Moscow' });
  const school = await schools.createSchool(p, { regionId: region.id, name: 'ГБОУ Школа № 1 (демо)', shortName: 'Школа № 1' });
  const classes = new Map<string, string>();
  for (const name of ['5А', '7Б']) classes.set(name, (await schools.createClass(p, { schoolId: school.id, name, academicYear: 2026 })).id);
  const subjects = new Map<string, string>();
  for (const name of ['Математика', 'Русский язык', 'Литература', 'История', 'Английский язык', 'Физика']) {
    subjects.set(name, (await schools.createSubject(p, { schoolId: school.id, name })).id);
  }

  const ids = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const inSchool = !u.roles.includes(Role.PlatformAdmin) && !u.roles.includes(Role.RegionAdmin);
    const created = await users.create(p, {
      login: u.login,
      password: DEMO_PASSWORD,
      lastName: u.lastName,
      firstName: u.firstName,
      middleName: u.middleName,
      birthDate: u.birthDate,
      snils: u.snils,
      roles: u.roles,
      schoolId: inSchool ? school.id : undefined,
      regionId: u.roles.includes(Role.RegionAdmin) ? region.id : undefined,
      classId: u.className ? classes.get(u.className) : undefined,
      childIds: u.children?.map((c) => ids.get(c)!),
    });
    ids.set(u.login, created.id);
  }

  const teacher = ids.get('teacher.demo')!;
  const physicist = ids.get('teacher2.demo')!;
  for (const cls of classes.values()) {
    for (const subject of ['Математика', 'Русский язык', 'Литература']) {
      await teaching.assign(p, { teacherId: teacher, classId: cls, subjectId: subjects.get(subject)! });
    }
    for (const subject of ['История', 'Английский язык']) {
      await teaching.assign(p, { teacherId: physicist, classId: cls, subjectId: subjects.get(subject)! });
    }
  }
  await teaching.assign(p, { teacherId: physicist, classId: classes.get('7Б')!, subjectId: subjects.get('Физика')! });
  await teaching.setClassTeacher(p, classes.get('7Б')!, teacher);

  // The demo region is in its transition period: both the diary password and Госуслуги work, and a
  // password sign-in of an unlinked user suggests linking.
  const year = new Date().getUTCFullYear();
  await ctx.get<SettingsService>(SettingsService).put({ ...p, userId: ids.get('platform.demo')! }, region.id, {
    esiaEnabled: true,
    transitionStartsAt: `${year - 1}-09-01T00:00:00+03:00`,
    transitionEndsAt: `${year + 1}-08-31T00:00:00+03:00`,
    staffPasswordLogin: true,
  });
  return { created: true };
}

async function main(): Promise<void> {
  const config = { ...loadConfig(), appRole: 'api' as const };
  await prepareDatabase(config);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const { created } = await seedDemo(ctx);
    process.stdout.write(
      created
        ? `Demo data created. Sign in with any of: ${DEMO_USERS.map((u) => u.login).join(', ')} — password ${DEMO_PASSWORD}\n`
        : 'Demo data already present (region DEMO); nothing changed.\n',
    );
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`Seeding failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
