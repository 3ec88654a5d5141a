import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StorageModule } from '../../core/storage/storage.module';
import { EventsModule } from '../events/events.module';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsService } from './announcements.service';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { AnnouncementRecipient } from './entities/announcement-recipient.entity';
import { Announcement } from './entities/announcement.entity';
import { ConversationMember } from './entities/conversation-member.entity';
import { Conversation } from './entities/conversation.entity';
import { MessageAttachment } from './entities/message-attachment.entity';
import { Message } from './entities/message.entity';
import { AnnouncementsController, MessagingController } from './messaging.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { MessagingOutbox } from './messaging-outbox';
import { AudiencesReadModel } from './read-models/audiences.read-model';
import { ContactsReadModel } from './read-models/contacts.read-model';

/** Contacts, 1:1 and group conversations, announcements with read/confirm tracking. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Conversation, ConversationMember, Message, MessageAttachment, Announcement, AnnouncementRecipient]),
    StorageModule,
    EventsModule,
  ],
  controllers: [MessagingController, AnnouncementsController],
  providers: [
    ConversationsService,
    MessagesService,
    AnnouncementsService,
    ConversationsRepository,
    MessagesRepository,
    AnnouncementsRepository,
    ContactsReadModel,
    AudiencesReadModel,
    MessagingOutbox,
  ],
  exports: [ConversationsService, MessagesService, AnnouncementsService],
})
export class MessagingModule {}
