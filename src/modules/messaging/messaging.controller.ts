import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
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
import { Page, PageQueryDto } from '../../common/pagination/page';
import { FeedPage } from '../../core/feeds/feed-cursor';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { Idempotent } from '../../core/idempotency/idempotent.decorator';
import { AnnouncementsService } from './announcements.service';
import { ConversationsService } from './conversations.service';
import { MessagesService } from './messages.service';
import { MessageFeedItem, MessageFeedQueryDto } from './dto/message-feed.dto';
import {
  AnnouncementStatsView,
  CreateAnnouncementDto,
  InboxAnnouncementView,
  InboxPageView,
  ListInboxQueryDto,
  ListRecipientsQueryDto,
  RecipientPageView,
  RecipientView,
  RemindResultView,
  SentAnnouncementView,
  SentPageView,
} from './dto/announcements.dto';
import {
  AddMembersDto,
  ATTACHMENT_SPEC,
  ContactPageView,
  ConversationDetailView,
  ConversationPageView,
  ConversationView,
  CreateDirectConversationDto,
  CreateGroupConversationDto,
  ListContactsQueryDto,
  MarkReadDto,
  MessageHistoryQueryDto,
  MessageHistoryView,
  MessageView,
  PersonView,
  ReadStateView,
  SendMessageDto,
  UnreadView,
} from './dto/messaging.dto';

@ApiTags('messaging')
@ApiBearerAuth()
@Controller('messaging')
export class MessagingController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
  ) {}

  @Get('contacts')
  @ApiOperation({ summary: 'People of my school I may write to (by role rules), filtered by role and name' })
  @ApiOkResponse({ type: ContactPageView })
  contacts(@CurrentUser() p: Principal, @Query() q: ListContactsQueryDto): Promise<Page<PersonView>> {
    return this.conversations.listContacts(p, q);
  }

  @Get('unread')
  @ApiOperation({ summary: 'Unread totals: messages, conversations with unread messages, announcements' })
  @ApiOkResponse({ type: UnreadView })
  unread(@CurrentUser() p: Principal): Promise<UnreadView> {
    return this.conversations.unread(p);
  }

  @Get('changes')
  @ApiOperation({
    summary:
      'Feed of changes in my conversations since a cursor (offline sync): new messages, my memberships (joined, read further, ended)',
    description:
      'Same cursor semantics as GET /grades/changes: pass nextCursor as `cursor`. A conversation I left or was removed from comes as ' +
      '`{ kind: conversation, id, deleted: true }`: drop it and its messages.',
  })
  @ApiFeedPage(MessageFeedItem)
  listMessageFeed(@CurrentUser() p: Principal, @Query() q: MessageFeedQueryDto): Promise<FeedPage<MessageFeedItem>> {
    return this.messages.feed(p, q);
  }

  @Get('conversations')
  @ApiOperation({ summary: 'My conversations, most recently active first, with unread counts' })
  @ApiOkResponse({ type: ConversationPageView })
  list(@CurrentUser() p: Principal, @Query() q: PageQueryDto): Promise<Page<ConversationView>> {
    return this.conversations.list(p, q);
  }

  @Post('conversations/direct')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open the 1:1 conversation with a contact (the existing one is reused)' })
  @ApiOkResponse({ type: ConversationDetailView })
  openDirect(@CurrentUser() p: Principal, @Body() dto: CreateDirectConversationDto): Promise<ConversationDetailView> {
    return this.conversations.openDirect(p, dto.userId);
  }

  @Post('conversations')
  @ApiOperation({ summary: 'Create a group conversation with my contacts' })
  @Idempotent()
  @ApiCreatedResponse({ type: ConversationDetailView })
  createGroup(@CurrentUser() p: Principal, @Body() dto: CreateGroupConversationDto): Promise<ConversationDetailView> {
    return this.conversations.createGroup(p, dto);
  }

  @Get('conversations/:id')
  @ApiOperation({ summary: 'A conversation I am a member of, with its members' })
  @ApiOkResponse({ type: ConversationDetailView })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<ConversationDetailView> {
    return this.conversations.get(p, id);
  }

  @Post('conversations/:id/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add my contacts to a group I created' })
  @ApiOkResponse({ type: ConversationDetailView })
  addMembers(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: AddMembersDto): Promise<ConversationDetailView> {
    return this.conversations.addMembers(p, id, dto.userIds);
  }

  @Delete('conversations/:id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave a group (own id), or remove a member from a group I created' })
  @ApiNoContentResponse()
  removeMember(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Param('userId', ParseId) userId: string): Promise<void> {
    return this.conversations.removeMember(p, id, userId);
  }

  @Get('conversations/:id/messages')
  @ApiOperation({ summary: 'Message history, newest first; pass nextCursor as `before` for older messages' })
  @ApiOkResponse({ type: MessageHistoryView })
  history(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Query() q: MessageHistoryQueryDto): Promise<MessageHistoryView> {
    return this.messages.history(p, id, q);
  }

  @Post('conversations/:id/messages')
  @ApiOperation({ summary: 'Send a text message' })
  @Idempotent()
  @ApiCreatedResponse({ type: MessageView })
  send(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: SendMessageDto): Promise<MessageView> {
    return this.messages.send(p, id, dto);
  }

  @Post('conversations/:id/messages/files')
  @ApiOperation({
    summary: `Send a message with files (multipart/form-data: optional text \`body\`, up to ${ATTACHMENT_SPEC.maxFiles} \`files\` of ${ATTACHMENT_SPEC.maxBytes / 1024 / 1024} MB)`,
    description: `Allowed types: ${Object.keys(ATTACHMENT_SPEC.allowed)
      .map((e) => `.${e}`)
      .join(', ')}`,
  })
  @Idempotent()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        body: { type: 'string', maxLength: 4000 },
        files: { type: 'array', items: { type: 'string', format: 'binary' }, maxItems: ATTACHMENT_SPEC.maxFiles },
      },
    },
  })
  @ApiCreatedResponse({ type: MessageView })
  sendWithFiles(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageView> {
    return this.messages.sendWithFiles(p, id, req, res);
  }

  @Get('conversations/:id/attachments/:attachmentId')
  @ApiOperation({ summary: 'Download a file attached to a message of my conversation' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  download(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Param('attachmentId', ParseId) attachmentId: string,
  ): Promise<StreamableFile> {
    return this.messages.download(p, id, attachmentId);
  }

  @Post('conversations/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark messages read up to a message (default: the newest); never moves back' })
  @ApiOkResponse({ type: ReadStateView })
  markRead(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: MarkReadDto): Promise<ReadStateView> {
    return this.messages.markRead(p, id, dto);
  }
}

@ApiTags('messaging')
@ApiBearerAuth()
@Controller('messaging/announcements')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Post()
  @Roles(Role.SchoolAdmin, Role.ClassTeacher)
  @ApiOperation({ summary: 'Send an announcement: school admin to the school, a class or a role; class teacher to their class' })
  @Idempotent()
  @ApiCreatedResponse({ type: SentAnnouncementView })
  create(@CurrentUser() p: Principal, @Body() dto: CreateAnnouncementDto): Promise<SentAnnouncementView> {
    return this.announcements.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Announcements I received (unread first, or newest first)' })
  @ApiOkResponse({ type: InboxPageView })
  inbox(@CurrentUser() p: Principal, @Query() q: ListInboxQueryDto): Promise<Page<InboxAnnouncementView>> {
    return this.announcements.inbox(p, q);
  }

  @Get('sent')
  @Roles(Role.SchoolAdmin, Role.ClassTeacher)
  @ApiOperation({ summary: 'Announcements I sent (a school admin: all of the school) with read/confirm counts' })
  @ApiOkResponse({ type: SentPageView })
  sent(@CurrentUser() p: Principal, @Query() q: PageQueryDto): Promise<Page<SentAnnouncementView>> {
    return this.announcements.listSent(p, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An announcement I received' })
  @ApiOkResponse({ type: InboxAnnouncementView })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<InboxAnnouncementView> {
    return this.announcements.getReceived(p, id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an announcement I received as read' })
  @ApiOkResponse({ type: InboxAnnouncementView })
  markRead(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<InboxAnnouncementView> {
    return this.announcements.markRead(p, id);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm ("подтверждаю участие") an announcement that asks for it; also marks it read' })
  @ApiOkResponse({ type: InboxAnnouncementView })
  confirm(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<InboxAnnouncementView> {
    return this.announcements.confirm(p, id);
  }

  @Get(':id/stats')
  @Roles(Role.SchoolAdmin, Role.ClassTeacher)
  @ApiOperation({ summary: 'Sender: how many recipients, read, confirmed' })
  @ApiOkResponse({ type: AnnouncementStatsView })
  stats(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<AnnouncementStatsView> {
    return this.announcements.stats(p, id);
  }

  @Get(':id/recipients')
  @Roles(Role.SchoolAdmin, Role.ClassTeacher)
  @ApiOperation({ summary: 'Sender: who read / confirmed / did not' })
  @ApiOkResponse({ type: RecipientPageView })
  recipients(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Query() q: ListRecipientsQueryDto,
  ): Promise<Page<RecipientView>> {
    return this.announcements.recipients(p, id, q);
  }

  @Post(':id/remind')
  @HttpCode(200)
  @Roles(Role.SchoolAdmin, Role.ClassTeacher)
  @ApiOperation({ summary: 'Sender: remind those who have not read (or not confirmed); at most once an hour per recipient' })
  @ApiOkResponse({ type: RemindResultView })
  remind(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<RemindResultView> {
    return this.announcements.remind(p, id);
  }
}
