import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { ADMIN_ROLES, Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { Idempotent } from '../../core/idempotency/idempotent.decorator';
import { replyJson } from '../../core/read-cache/reply-json';
import { AttendanceListView, MarkAttendanceDto } from './dto/attendance.dto';
import { AttendanceFeedView, FeedQueryDto, GradeFeedView } from './dto/feeds.dto';
import {
  BatchGradesDto,
  CreateGradeDto,
  DeleteGradeQueryDto,
  GradeChangePage,
  GradeHistoryView,
  GradeListView,
  GradeView,
  HistoryQueryDto,
  UpdateGradeDto,
} from './dto/grades.dto';
import { GradingSettingsDto, GradingSettingsView, SchoolQueryDto } from './dto/grading-settings.dto';
import { ImportQueryDto, ImportResultView } from './dto/import.dto';
import { JournalQueryDto, JournalView, RangeQueryDto, StudentGradesView, WhatIfDto, WhatIfView } from './dto/journal.dto';
import { CreatePeriodDto, ListPeriodsQueryDto, PeriodMarkListView, PeriodPage, PeriodView, SetPeriodMarksDto } from './dto/periods.dto';
import { AttendanceService } from './attendance.service';
import { GradeEntryService } from './grade-entry.service';
import { GradeFeedsService } from './grade-feeds.service';
import { GradingSettingsService } from './grading-settings.service';
import { JournalService } from './journal.service';
import { PeriodMarksService } from './period-marks.service';
import { GradeImportService } from './import/grade-import.service';

@ApiTags('grades')
@ApiBearerAuth()
@Controller('grades')
export class GradesController {
  constructor(
    private readonly entry: GradeEntryService,
    private readonly feeds: GradeFeedsService,
    private readonly journals: JournalService,
    private readonly periodMarks: PeriodMarksService,
    private readonly settingsService: GradingSettingsService,
    private readonly importer: GradeImportService,
  ) {}

  @Post()
  @Roles(Role.Teacher)
  @ApiOperation({
    summary:
      'Enter a grade for a lesson (or class + subject + date): the teacher of that class and subject, or the substitute of that lesson',
  })
  @Idempotent()
  @ApiCreatedResponse({ type: GradeView })
  create(@CurrentUser() p: Principal, @Body() dto: CreateGradeDto): Promise<GradeView> {
    return this.entry.createGrade(p, dto);
  }

  @Post('batch')
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Grades for many students of one lesson in one request (all or nothing)' })
  @Idempotent()
  @ApiCreatedResponse({ type: GradeListView })
  batch(@CurrentUser() p: Principal, @Body() dto: BatchGradesDto): Promise<GradeListView> {
    return this.entry.createBatch(p, dto);
  }

  @Patch(':id')
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Correct a grade (kept in its history; emits grade.changed old → new)' })
  @ApiOkResponse({ type: GradeView })
  update(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateGradeDto): Promise<GradeView> {
    return this.entry.updateGrade(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Delete a grade (kept in its history; emits grade.deleted)' })
  @ApiNoContentResponse()
  remove(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Query() q: DeleteGradeQueryDto): Promise<void> {
    return this.entry.deleteGrade(p, id, q.reason ?? null);
  }

  @Get('history')
  @ApiOperation({ summary: "A student's grade corrections, newest first, keyset-paginated (student, parent, teachers, admins)" })
  @ApiOkResponse({ type: GradeChangePage })
  studentHistory(@CurrentUser() p: Principal, @Query() q: HistoryQueryDto): Promise<GradeChangePage> {
    return this.entry.studentHistory(p, q);
  }

  @Get('changes')
  @ApiOperation({ summary: 'Feed of grades created, changed or deleted since a cursor, for a student or a class (offline sync)' })
  @ApiOkResponse({ type: GradeFeedView })
  feed(@CurrentUser() p: Principal, @Query() q: FeedQueryDto): Promise<GradeFeedView> {
    return this.feeds.gradeFeed(p, q);
  }

  @Get('journal')
  @ApiOperation({ summary: 'A class journal: students × lessons of a subject and period, with grades, absences, averages, period marks' })
  @ApiOkResponse({ type: JournalView })
  async journal(@CurrentUser() p: Principal, @Query() q: JournalQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    replyJson(req, res, await this.journals.journal(p, q));
  }

  @Get('students/:studentId')
  @ApiOperation({ summary: "A student's grades by subject with weighted averages and period marks (student, parent, teachers, admins)" })
  @ApiOkResponse({ type: StudentGradesView })
  studentGrades(
    @CurrentUser() p: Principal,
    @Param('studentId', ParseId) id: string,
    @Query() q: RangeQueryDto,
  ): Promise<StudentGradesView> {
    return this.journals.studentGrades(p, id, q);
  }

  @Post('students/:studentId/what-if')
  @HttpCode(200)
  @ApiOperation({ summary: 'What-if: the period average if the student also got these marks' })
  @ApiOkResponse({ type: WhatIfView })
  whatIf(@CurrentUser() p: Principal, @Param('studentId', ParseId) id: string, @Body() dto: WhatIfDto): Promise<WhatIfView> {
    return this.journals.whatIf(p, id, dto);
  }

  @Put('period-marks')
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Set period (term, half-year) or final (year) marks for students of a class in a subject' })
  @ApiOkResponse({ type: PeriodMarkListView })
  setPeriodMarks(@CurrentUser() p: Principal, @Body() dto: SetPeriodMarksDto): Promise<PeriodMarkListView> {
    return this.periodMarks.setPeriodMarks(p, dto);
  }

  @Get('settings')
  @ApiOperation({ summary: "A school's grading scale, work types and weights (its members and admins)" })
  @ApiOkResponse({ type: GradingSettingsView })
  settings(@CurrentUser() p: Principal, @Query() q: SchoolQueryDto): Promise<GradingSettingsView> {
    return this.settingsService.getSettings(p, q.schoolId);
  }

  @Put('settings/:schoolId')
  @Roles(...ADMIN_ROLES)
  @ApiOperation({ summary: "Set a school's grading scale, work types with weights and rounding threshold (school admin)" })
  @ApiOkResponse({ type: GradingSettingsView })
  putSettings(
    @CurrentUser() p: Principal,
    @Param('schoolId', ParseId) schoolId: string,
    @Body() dto: GradingSettingsDto,
  ): Promise<GradingSettingsView> {
    return this.settingsService.putSettings(p, schoolId, dto);
  }

  @Post('periods')
  @Roles(...ADMIN_ROLES)
  @ApiOperation({ summary: 'Add a grading period (term, half-year, year) to a school year (school admin)' })
  @ApiCreatedResponse({ type: PeriodView })
  createPeriod(@CurrentUser() p: Principal, @Body() dto: CreatePeriodDto): Promise<PeriodView> {
    return this.periodMarks.createPeriod(p, dto);
  }

  @Get('periods')
  @ApiOperation({ summary: "A school's grading periods" })
  @ApiOkResponse({ type: PeriodPage })
  periods(@CurrentUser() p: Principal, @Query() q: ListPeriodsQueryDto): Promise<PeriodPage> {
    return this.periodMarks.listPeriods(p, q);
  }

  @Post('import')
  @HttpCode(200)
  @Roles(Role.Teacher)
  @ApiOperation({
    summary:
      'Import grades from CSV or XLSX (columns: date, subject, student — login or full name —, grade, work_type, comment); streamed; ' +
      'each bad row reported with its line; ?mode=all-or-nothing imports nothing if any row is bad (default good-rows); the answer names the mode',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: ImportResultView })
  import(
    @CurrentUser() p: Principal,
    @Query() q: ImportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportResultView> {
    return this.importer.import(p, q, req, res);
  }

  @Get(':id/history')
  @ApiOperation({ summary: "A grade's history: entered by whom and when, every correction old → new (student, parent, teachers, admins)" })
  @ApiOkResponse({ type: GradeHistoryView })
  history(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<GradeHistoryView> {
    return this.entry.gradeHistory(p, id);
  }
}

@ApiTags('attendance')
@ApiBearerAuth()
@Controller('attendance')
export class AttendanceController {
  constructor(
    private readonly attendance: AttendanceService,
    private readonly feeds: GradeFeedsService,
  ) {}

  @Post()
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Mark attendance for a lesson: absent, late, excused (present clears a mark); emits attendance.marked' })
  @Idempotent()
  @ApiCreatedResponse({ type: AttendanceListView })
  mark(@CurrentUser() p: Principal, @Body() dto: MarkAttendanceDto): Promise<AttendanceListView> {
    return this.attendance.markAttendance(p, dto);
  }

  @Get('changes')
  @ApiOperation({ summary: 'Feed of attendance marks changed since a cursor, for a student or a class (offline sync)' })
  @ApiOkResponse({ type: AttendanceFeedView })
  feed(@CurrentUser() p: Principal, @Query() q: FeedQueryDto): Promise<AttendanceFeedView> {
    return this.feeds.attendanceFeed(p, q);
  }
}
