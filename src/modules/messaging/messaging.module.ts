import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StorageModule } from '../../core/storage/storage.module';
import { EventsModule } from '../events/events.module';
import { AnnouncementsService } from './announcements.service';
import { ConversationsService } from './conversations.service';
import { AnnouncementRecipient } from './entities/announcement-recipient.entity';
import { Announcement } from './entities/announcement.entity';
import { ConversationMember } from './entities/conversation-member.entity';
import { Conversation } from './entities/conversation.entity';
import { MessageAttachment } from './entities/message-attachment.entity';
import { Message } from './entities/message.entity';
import { AnnouncementsController, MessagingController } from './messaging.controller';
import { MessagingOutbox } from './messaging-outbox';

/** Contacts, 1:1 and group conversations, announcements with read/confirm tracking. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Conversation, ConversationMember, Message, MessageAttachment, Announcement, AnnouncementRecipient]),
    StorageModule,
    EventsModule,
  ],
  controllers: [MessagingController, AnnouncementsController],
  providers: [ConversationsService, AnnouncementsService, MessagingOutbox],
  exports: [ConversationsService, AnnouncementsService],
})
export class MessagingModule {}
