import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { ADMIN_ROLES } from '../../common/auth/role';
import { ApiFeedPage } from '../../common/pagination/api-page';
import { FeedPage } from '../../core/feeds/feed-cursor';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { Idempotent } from '../../core/idempotency/idempotent.decorator';
import { replyJson } from '../../core/read-cache/reply-json';
import {
  CancelLessonDto,
  ChangesQueryDto,
  CursorPageQueryDto,
  CreateLessonDto,
  CreateTermPatternDto,
  LessonChangePage,
  LessonView,
  ReminderSettingDto,
  ReminderSettingView,
  TermPatternResult,
  UpdateLessonDto,
  WeekQueryDto,
  WeekView,
} from './dto/schedule.dto';
import { LessonFeedItem, LessonFeedQueryDto } from './dto/lesson-feed.dto';
import { LessonRemindersService } from './lesson-reminders.service';
import { ScheduleService } from './schedule.service';
import { WeekViewsService } from './week-views.service';

@ApiTags('schedule')
@ApiBearerAuth()
@Controller('schedule')
export class ScheduleController {
  constructor(
    private readonly schedule: ScheduleService,
    private readonly weeks: WeekViewsService,
    private readonly lessonReminders: LessonRemindersService,
  ) {}

  @Post('lessons')
  @Roles(...ADMIN_ROLES)
  @ApiOperation({ summary: 'Add a lesson (school admin). 409 LESSON_CLASH names the lessons it collides with (class, teacher or room)' })
  @Idempotent()
  @ApiCreatedResponse({ type: LessonView })
  create(@CurrentUser() p: Principal, @Body() dto: CreateLessonDto): Promise<LessonView> {
    return this.schedule.createLesson(p, dto);
  }

  @Post('lessons/term-pattern')
  @Roles(...ADMIN_ROLES)
  @ApiOperation({ summary: "Create a term's lessons from a weekly pattern (school admin); all or nothing, 409 LESSON_CLASH on any clash" })
  @Idempotent()
  @ApiCreatedResponse({ type: TermPatternResult })
  createPattern(@CurrentUser() p: Principal, @Body() dto: CreateTermPatternDto): Promise<TermPatternResult> {
    return this.schedule.createTermPattern(p, dto);
  }

  @Get('lessons/changes')
  @ApiOperation({
    summary:
      "Feed of lessons created or changed since a cursor, for a class, a student's class or a teacher (offline sync of the timetable)",
    description:
      'Same cursor semantics as GET /grades/changes: pass nextCursor as `cursor`; a lesson that left the feed comes as `{ id, deleted: true }`. ' +
      'Exactly one of classId, studentId, teacherId.',
  })
  @ApiFeedPage(LessonFeedItem)
  listLessonFeed(@CurrentUser() p: Principal, @Query() q: LessonFeedQueryDto): Promise<FeedPage<LessonFeedItem>> {
    return this.schedule.lessonFeed(p, q);
  }

  @Get('lessons/:id')
  @ApiOperation({ summary: 'One lesson (anyone who may see its class; a substitute teacher the lessons they cover)' })
  @ApiOkResponse({ type: LessonView })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<LessonView> {
    return this.schedule.getLesson(p, id);
  }

  @Patch('lessons/:id')
  @Roles(...ADMIN_ROLES)
  @ApiOperation({
    summary: 'Move a lesson, change its room, set or clear a substitute teacher, or its topic (school admin); recorded in the history',
  })
  @ApiOkResponse({ type: LessonView })
  update(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateLessonDto): Promise<LessonView> {
    return this.schedule.updateLesson(p, id, dto);
  }

  @Post('lessons/:id/cancel')
  @HttpCode(200)
  @Roles(...ADMIN_ROLES)
  @ApiOperation({ summary: 'Cancel a lesson (school admin); recorded in the history' })
  @ApiOkResponse({ type: LessonView })
  cancel(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: CancelLessonDto): Promise<LessonView> {
    return this.schedule.setCancelled(p, id, true, dto.reason ?? null);
  }

  @Post('lessons/:id/restore')
  @HttpCode(200)
  @Roles(...ADMIN_ROLES)
  @ApiOperation({ summary: 'Restore a cancelled lesson (school admin); clash-checked and recorded in the history' })
  @ApiOkResponse({ type: LessonView })
  restore(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: CancelLessonDto): Promise<LessonView> {
    return this.schedule.setCancelled(p, id, false, dto.reason ?? null);
  }

  @Get('lessons/:id/changes')
  @ApiOperation({ summary: "A lesson's change history, newest first (anyone who may see the lesson)" })
  @ApiOkResponse({ type: LessonChangePage })
  lessonChanges(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Query() q: CursorPageQueryDto): Promise<LessonChangePage> {
    return this.schedule.lessonChanges(p, id, q.cursor ?? null, q.limit);
  }

  @Get('changes')
  @ApiOperation({
    summary: "Timetable changes of a class, newest first, keyset-paginated (admins, the class's teachers, students and parents)",
  })
  @ApiOkResponse({ type: LessonChangePage })
  classChanges(@CurrentUser() p: Principal, @Query() q: ChangesQueryDto): Promise<LessonChangePage> {
    return this.schedule.classChanges(p, q.classId, q.cursor ?? null, q.limit);
  }

  @Get('students/:studentId/week')
  @ApiOperation({
    summary: "A student's week: lessons with homework, the student's grades and attendance (self, parent, teachers, admins)",
  })
  @ApiOkResponse({ type: WeekView })
  async studentWeek(
    @CurrentUser() p: Principal,
    @Param('studentId', ParseId) id: string,
    @Query() q: WeekQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    replyJson(req, res, await this.weeks.studentWeek(p, id, q.week));
  }

  @Get('teachers/:teacherId/week')
  @ApiOperation({ summary: "A teacher's week, including lessons they cover as a substitute (self, school admins)" })
  @ApiOkResponse({ type: WeekView })
  teacherWeek(@CurrentUser() p: Principal, @Param('teacherId', ParseId) id: string, @Query() q: WeekQueryDto): Promise<WeekView> {
    return this.weeks.teacherWeek(p, id, q.week);
  }

  @Get('classes/:classId/week')
  @ApiOperation({ summary: "A class's week with homework and per-lesson grade/absence counts" })
  @ApiOkResponse({ type: WeekView })
  classWeek(@CurrentUser() p: Principal, @Param('classId', ParseId) id: string, @Query() q: WeekQueryDto): Promise<WeekView> {
    return this.weeks.classWeek(p, id, q.week);
  }

  @Get('reminders')
  @ApiOperation({ summary: 'Whether the caller gets a reminder 10 minutes before each lesson' })
  @ApiOkResponse({ type: ReminderSettingView })
  async reminders(@CurrentUser() p: Principal): Promise<ReminderSettingView> {
    return { enabled: await this.lessonReminders.remindersEnabled(p) };
  }

  @Put('reminders')
  @ApiOperation({ summary: 'Turn lesson reminders on or off for the caller' })
  @ApiOkResponse({ type: ReminderSettingView })
  async setReminders(@CurrentUser() p: Principal, @Body() dto: ReminderSettingDto): Promise<ReminderSettingView> {
    await this.lessonReminders.setReminders(p, dto.enabled);
    return { enabled: dto.enabled };
  }
}
