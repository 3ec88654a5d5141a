import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { Principal } from '../../../common/auth/principal';
import { AppError } from '../../../common/errors/app-error';
import { TEXT_MESSAGES, textProblem } from '../../../common/validation/text';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { FILE_STORAGE, FileStorage } from '../../../core/storage/storage.types';
import { UploadReceiver } from '../../../core/storage/upload-receiver';
import { ScheduleService } from '../../schedule/schedule.service';
import { dateInZone } from '../../../common/time/zoned-date';
import { addDays } from '../../schedule/school-time';
import { SchoolsErrors } from '../../schools/schools.errors';
import { ImportQueryDto, ImportResultView, ImportRowError } from '../dto/import.dto';
import { normalizeName } from '../../../common/text/person-name';
import { SchoolGrading } from '../grading-rules';
import { GradesErrors } from '../grades.errors';
import { GradeEntryService } from '../grade-entry.service';
import { NewGrade } from '../grade-rows';
import { GradesRepository } from '../grades.repository';
import { GradeContextReadModel } from '../read-models/grade-context.read-model';
import { csvRows, SourceRow, xlsxRows } from './row-sources';

/** Column names accepted in the header row (English or Russian). */
const COLUMNS: Record<string, string[]> = {
  date: ['date', 'дата'],
  subject: ['subject', 'предмет'],
  student: ['student', 'ученик', 'учащийся', 'фио'],
  grade: ['grade', 'value', 'mark', 'оценка', 'отметка'],
  workType: ['work_type', 'worktype', 'work type', 'вид работы', 'тип работы'],
  comment: ['comment', 'комментарий'],
};
const REQUIRED = ['date', 'subject', 'student', 'grade'];
const CHUNK = 1000;
const MAX_REPORTED_ERRORS = 1000;

const IMPORT_TYPES: Record<string, string[]> = {
  csv: ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
};

interface ImportContext {
  classId: string;
  schoolId: string;
  actorId: string;
  grading: SchoolGrading;
  byLogin: Map<string, string>;
  byName: Map<string, string[]>;
  subjects: Map<string, string>;
  taught: Set<string>;
  lessons: Map<string, string>;
  yearFrom: string;
  yearTo: string;
  today: string;
}

class RollBack extends Error {}

/**
 * Grade import from CSV or XLSX. The upload is streamed to temporary storage (size-limited), then
 * read back row by row; every row is validated against lookups loaded once (the class's students,
 * the school's subjects, the teacher's subjects, lessons of the year) and good rows are written in
 * chunks inside ONE transaction. good-rows mode commits the good rows and lists the bad ones;
 * all-or-nothing rolls back if any row is bad. Memory stays bounded by the chunk size.
 */
@Injectable()
export class GradeImportService {
  constructor(
    private readonly context: GradeContextReadModel,
    private readonly grades: GradesRepository,
    private readonly entry: GradeEntryService,
    private readonly schedule: ScheduleService,
    private readonly uploads: UploadReceiver,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async import(p: Principal, q: ImportQueryDto, req: Request, res: Response): Promise<ImportResultView> {
    const mode = q.mode ?? 'good-rows';
    const cls = await this.context.findClassForImport(p, q.classId);
    if (!cls) throw SchoolsErrors.classNotFound();
    const { files } = await this.uploads.receive(req, res, {
      field: 'file',
      maxFiles: 1,
      maxBytes: this.config.diary.importMaxFileBytes,
      allowed: IMPORT_TYPES,
      area: 'tmp',
      required: true,
    });
    const file = files[0];
    try {
      const ctx = await this.loadContext(p, cls);
      const source = await this.storage.read(file.key);
      const rows = file.extension === 'xlsx' ? xlsxRows(source) : csvRows(source);
      return await this.run(ctx, rows, mode);
    } finally {
      await this.storage.remove(file.key).catch(() => undefined);
    }
  }

  private async run(ctx: ImportContext, rows: AsyncGenerator<SourceRow>, mode: 'good-rows' | 'all-or-nothing'): Promise<ImportResultView> {
    const result: ImportResultView = { mode, committed: false, totalRows: 0, imported: 0, failed: 0, errors: [], errorsTruncated: false };
    const fail = (e: ImportRowError): void => {
      result.failed++;
      if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(e);
      else result.errorsTruncated = true;
    };
    try {
      await this.grades.transaction(async (tx) => {
        let header: Record<string, number> | null = null;
        let buffer: NewGrade[] = [];
        try {
          for await (const row of rows) {
            if (!header) {
              header = parseHeader(row.cells);
              continue;
            }
            result.totalRows++;
            if (result.totalRows > this.config.diary.importMaxRows) throw GradesErrors.importTooManyRows(this.config.diary.importMaxRows);
            const checked = checkRow(ctx, header, row);
            if ('error' in checked) {
              fail({ line: row.line, field: checked.field, reason: checked.error });
              continue;
            }
            if (mode === 'all-or-nothing' && result.failed > 0) continue; // nothing will be written: only validate
            buffer.push(checked.grade);
            if (buffer.length >= CHUNK) {
              result.imported += await this.entry.insertImported(tx, ctx.actorId, buffer);
              buffer = [];
            }
          }
        } catch (e) {
          if (!(e instanceof AppError) && isUnreadable(e)) throw GradesErrors.importUnreadable();
          throw e;
        }
        if (!header) throw GradesErrors.importBadHeader(REQUIRED);
        if (mode === 'all-or-nothing' && result.failed > 0) throw new RollBack();
        result.imported += await this.entry.insertImported(tx, ctx.actorId, buffer);
      });
      result.committed = true;
    } catch (e) {
      if (!(e instanceof RollBack)) throw e;
      result.imported = 0;
    }
    return result;
  }

  private async loadContext(
    p: Principal,
    cls: { id: string; school_id: string; academic_year: number; tz: string },
  ): Promise<ImportContext> {
    const yearFrom = `${cls.academic_year}-09-01`;
    const yearTo = addDays(`${cls.academic_year + 1}-09-01`, -1);
    const [students, subjects, taught, grading, lessons] = await Promise.all([
      this.context.findClassStudents(cls.id),
      this.context.findSchoolSubjects(cls.school_id),
      this.context.findTaughtSubjects(p, cls.id),
      this.grades.findGrading(cls.school_id),
      this.schedule.firstLessonsByDate(cls.id, yearFrom, yearTo),
    ]);
    const byLogin = new Map(students.map((s) => [s.login.toLowerCase(), s.id]));
    const byName = new Map<string, string[]>();
    const addName = (name: string, id: string): void => {
      const key = normalizeName(name);
      const ids = byName.get(key) ?? [];
      if (!ids.includes(id)) ids.push(id);
      byName.set(key, ids);
    };
    for (const s of students) {
      addName(`${s.last_name} ${s.first_name}`, s.id);
      if (s.middle_name) addName(`${s.last_name} ${s.first_name} ${s.middle_name}`, s.id);
    }
    const subjectMap = new Map<string, string>();
    for (const s of subjects) {
      subjectMap.set(normalizeName(s.name), s.id);
      if (s.short_name) subjectMap.set(normalizeName(s.short_name), s.id);
    }
    return {
      classId: cls.id,
      schoolId: cls.school_id,
      actorId: p.userId,
      grading,
      byLogin,
      byName,
      subjects: subjectMap,
      taught,
      lessons: new Map(lessons.map((l) => [`${l.subject_id}|${l.date}`, l.id])),
      yearFrom,
      yearTo,
      today: dateInZone(new Date(), cls.tz),
    };
  }
}

/** A parser failure (broken CSV quoting, not a zip, truncated workbook) rather than a database or app error. */
function isUnreadable(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  if (code.startsWith('CSV_')) return true;
  const message = e instanceof Error ? e.message : '';
  return (
    !(e instanceof QueryFailedError) &&
    /zip|central directory|signature|unexpected end|file_ended|end of file|xml|sax|invalid|corrupt/i.test(message)
  );
}

function parseHeader(cells: string[]): Record<string, number> {
  const header: Record<string, number> = {};
  cells.forEach((c, i) => {
    const name = normalizeName(c.replace(/^\uFEFF/, ''));
    for (const [field, names] of Object.entries(COLUMNS)) if (names.includes(name) && header[field] === undefined) header[field] = i;
  });
  const missing = REQUIRED.filter((f) => header[f] === undefined);
  if (missing.length) throw GradesErrors.importBadHeader(missing);
  return header;
}

/** Parses YYYY-MM-DD or DD.MM.YYYY into a real calendar date. */
export function parseImportDate(s: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  let iso: string | null = null;
  if (m) iso = `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (m) iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  if (!iso) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) ? iso : null;
}

const PASS = new Set(['pass', 'зачет', 'зачтено', 'зач']);
const FAIL = new Set(['fail', 'незачет', 'не зачтено', 'незач']);

function checkRow(
  ctx: ImportContext,
  header: Record<string, number>,
  row: SourceRow,
): { grade: NewGrade } | { error: string; field: string | null } {
  const cell = (f: string): string => (header[f] !== undefined ? (row.cells[header[f]] ?? '').trim() : '');
  const date = parseImportDate(cell('date'));
  if (!date) return { field: 'date', error: 'Неверная дата: ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ' };
  if (date < ctx.yearFrom || date > ctx.yearTo)
    return { field: 'date', error: `Дата вне учебного года класса (${ctx.yearFrom} — ${ctx.yearTo})` };
  if (date > ctx.today) return { field: 'date', error: 'Дата в будущем' };

  const subjectName = cell('subject');
  const subjectId = ctx.subjects.get(normalizeName(subjectName));
  if (!subjectId)
    return { field: 'subject', error: subjectName ? `Предмет «${subjectName.slice(0, 100)}» не найден в школе` : 'Не указан предмет' };
  if (!ctx.taught.has(subjectId)) return { field: 'subject', error: 'Вы не ведёте этот предмет в этом классе' };

  const who = cell('student');
  if (!who) return { field: 'student', error: 'Не указан ученик' };
  let studentId = ctx.byLogin.get(who.toLowerCase());
  if (!studentId) {
    const ids = ctx.byName.get(normalizeName(who)) ?? [];
    if (ids.length > 1) return { field: 'student', error: 'В классе несколько учеников с таким именем: укажите логин' };
    studentId = ids[0];
  }
  if (!studentId) return { field: 'student', error: 'Ученик не найден в классе (укажите логин или ФИО)' };

  const raw = normalizeName(cell('grade'));
  let value: number | null;
  if (ctx.grading.scale === 'five_point') value = /^[1-5]$/.test(raw) ? Number(raw) : null;
  else value = PASS.has(raw) ? 1 : FAIL.has(raw) ? 0 : null;
  if (value === null) {
    return {
      field: 'grade',
      error: ctx.grading.scale === 'five_point' ? 'Оценка должна быть от 1 до 5' : 'Оценка должна быть «зачёт» или «незачёт»',
    };
  }

  const wtRaw = normalizeName(cell('workType'));
  const wt =
    wtRaw === ''
      ? (ctx.grading.workTypes.find((w) => w.code === 'answer') ?? ctx.grading.workTypes[0])
      : ctx.grading.workTypes.find((w) => w.code === wtRaw || normalizeName(w.name) === wtRaw);
  if (!wt) return { field: 'work_type', error: 'Неизвестный вид работы' };

  const comment = cell('comment');
  if (comment.length > 500) return { field: 'comment', error: 'Комментарий длиннее 500 символов' };
  const problem = textProblem(comment);
  if (problem) return { field: 'comment', error: TEXT_MESSAGES[problem] };

  return {
    grade: {
      schoolId: ctx.schoolId,
      studentId,
      classId: ctx.classId,
      subjectId,
      lessonId: ctx.lessons.get(`${subjectId}|${date}`) ?? null,
      date,
      scale: ctx.grading.scale,
      value,
      workType: wt.code,
      weight: wt.weight,
      comment: comment || null,
      source: 'import',
      sourceRef: null,
      enteredBy: ctx.actorId,
    },
  };
}
