import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ApiFeedPage } from '../../common/pagination/api-page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { FeedPage } from '../../core/feeds/feed-cursor';
import { Idempotent } from '../../core/idempotency/idempotent.decorator';
import {
  CommentPage,
  CommentsQueryDto,
  CommentView,
  CreateCommentDto,
  CreateHomeworkDto,
  GradeSubmissionDto,
  HomeworkPage,
  HomeworkView,
  ListHomeworkQueryDto,
  ReturnSubmissionDto,
  SubmissionPage,
  SubmissionsQueryDto,
  SubmissionView,
  UpdateHomeworkDto,
} from './dto/homework.dto';
import { HomeworkFeedItem, HomeworkFeedQueryDto } from './dto/homework-feed.dto';
import { HomeworkCommentsService } from './homework-comments.service';
import { HomeworkSubmissionsService } from './homework-submissions.service';
import { HomeworkService } from './homework.service';

const FILES_BODY = {
  schema: {
    type: 'object',
    properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } }, text: { type: 'string' } },
  },
};

@ApiTags('homework')
@ApiBearerAuth()
@Controller('homework')
export class HomeworkController {
  constructor(
    private readonly homework: HomeworkService,
    private readonly work: HomeworkSubmissionsService,
    private readonly threads: HomeworkCommentsService,
  ) {}

  @Post()
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Set homework for a class and subject (optionally at a lesson); emits homework.created' })
  @Idempotent()
  @ApiCreatedResponse({ type: HomeworkView })
  create(@CurrentUser() p: Principal, @Body() dto: CreateHomeworkDto): Promise<HomeworkView> {
    return this.homework.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "A class's homework, latest due first (anyone who may see the class)" })
  @ApiOkResponse({ type: HomeworkPage })
  list(@CurrentUser() p: Principal, @Query() q: ListHomeworkQueryDto): Promise<HomeworkPage> {
    return this.homework.list(p, q);
  }

  @Get('changes')
  @ApiOperation({
    summary: "Feed of a class's homework set, changed or deleted since a cursor (offline sync); a student's class by studentId",
    description:
      'Same cursor semantics as GET /grades/changes: pass nextCursor as `cursor`; a deleted homework comes as `{ id, deleted: true }`; ' +
      'adding or removing an attachment is a change of its homework. Exactly one of classId, studentId.',
  })
  @ApiFeedPage(HomeworkFeedItem)
  listHomeworkFeed(@CurrentUser() p: Principal, @Query() q: HomeworkFeedQueryDto): Promise<FeedPage<HomeworkFeedItem>> {
    return this.homework.feed(p, q);
  }

  @Get('files/:fileId')
  @ApiOperation({ summary: 'Download an attachment or a submission file (only for those allowed to see it)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async download(
    @CurrentUser() p: Principal,
    @Param('fileId', ParseId) fileId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { file, stream } = await this.homework.download(p, fileId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(stream, {
      type: file.content_type,
      length: file.size_bytes,
      disposition: `attachment; filename="file"; filename*=UTF-8''${encodeURIComponent(file.file_name)}`,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One homework with its attachments' })
  @ApiOkResponse({ type: HomeworkView })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<HomeworkView> {
    return this.homework.get(p, id);
  }

  @Patch(':id')
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Edit the text or due date (the teacher of the class and subject)' })
  @ApiOkResponse({ type: HomeworkView })
  update(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateHomeworkDto): Promise<HomeworkView> {
    return this.homework.update(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Delete a homework with its submissions and files' })
  @ApiNoContentResponse()
  remove(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.homework.remove(p, id);
  }

  @Post(':id/attachments')
  @Roles(Role.Teacher)
  @ApiOperation({
    summary:
      'Attach files (multipart field "files"; allowed types and size from configuration; 415 FILE_TYPE_NOT_ALLOWED, 413 FILE_TOO_LARGE)',
  })
  @Idempotent()
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILES_BODY)
  @ApiCreatedResponse({ type: HomeworkView })
  attach(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HomeworkView> {
    return this.homework.addAttachments(p, id, req, res);
  }

  @Delete(':id/attachments/:fileId')
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Remove an attachment' })
  @ApiOkResponse({ type: HomeworkView })
  detach(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Param('fileId', ParseId) fileId: string): Promise<HomeworkView> {
    return this.homework.removeAttachment(p, id, fileId);
  }

  @Post(':id/submissions')
  @Roles(Role.Student)
  @ApiOperation({ summary: 'Submit an answer (multipart: text, files); 409 HOMEWORK_ALREADY_SUBMITTED unless the work was returned' })
  @Idempotent()
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILES_BODY)
  @ApiCreatedResponse({ type: SubmissionView })
  submit(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubmissionView> {
    return this.work.submit(p, id, req, res);
  }

  @Get(':id/submissions')
  @ApiOperation({ summary: 'Per-student status: not_submitted, submitted, late, returned, graded (the teacher, class teacher, admins)' })
  @ApiOkResponse({ type: SubmissionPage })
  submissions(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Query() q: SubmissionsQueryDto): Promise<SubmissionPage> {
    return this.work.submissions(p, id, q);
  }

  @Get(':id/submissions/:studentId')
  @ApiOperation({ summary: "One student's work (the student, their parents, the teacher, admins)" })
  @ApiOkResponse({ type: SubmissionView })
  submission(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
  ): Promise<SubmissionView> {
    return this.work.submission(p, id, studentId);
  }

  @Post(':id/submissions/:studentId/return')
  @HttpCode(200)
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Return the work for rework with a comment; emits homework.returned' })
  @ApiOkResponse({ type: SubmissionView })
  returnWork(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
    @Body() dto: ReturnSubmissionDto,
  ): Promise<SubmissionView> {
    return this.work.returnSubmission(p, id, studentId, dto);
  }

  @Post(':id/submissions/:studentId/grade')
  @HttpCode(200)
  @Roles(Role.Teacher)
  @ApiOperation({ summary: 'Grade the work: the mark goes into the journal as a homework-type grade; emits homework.graded' })
  @ApiOkResponse({ type: SubmissionView })
  gradeWork(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
    @Body() dto: GradeSubmissionDto,
  ): Promise<SubmissionView> {
    return this.work.gradeSubmission(p, id, studentId, dto);
  }

  @Post(':id/comments')
  @ApiOperation({ summary: "Comment in a student's thread (the student, their parents, the teacher)" })
  @Idempotent()
  @ApiCreatedResponse({ type: CommentView })
  comment(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: CreateCommentDto): Promise<CommentView> {
    return this.threads.addComment(p, id, dto);
  }

  @Get(':id/comments')
  @ApiOperation({ summary: "A student's comment thread on a homework" })
  @ApiOkResponse({ type: CommentPage })
  comments(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Query() q: CommentsQueryDto): Promise<CommentPage> {
    return this.threads.comments(p, id, q);
  }
}
