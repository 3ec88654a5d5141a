import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { LessonChange } from './entities/lesson-change.entity';
import { LessonReminderOptIn } from './entities/lesson-reminder-opt-in.entity';
import { Lesson } from './entities/lesson.entity';
import { LessonRecipientsReadModel } from './read-models/lesson-recipients.read-model';
import { TimetableContextReadModel } from './read-models/timetable-context.read-model';
import { WeekViewReadModel } from './read-models/week-view.read-model';
import { ScheduleController } from './schedule.controller';
import { ScheduleRepository } from './schedule.repository';
import { ScheduleService } from './schedule.service';
import { LessonRemindersRepository } from './lesson-reminders.repository';
import { LessonRemindersService } from './lesson-reminders.service';
import { WeekViewsService } from './week-views.service';

@Module({
  imports: [TypeOrmModule.forFeature([Lesson, LessonChange, LessonReminderOptIn]), EventsModule],
  controllers: [ScheduleController],
  providers: [
    ScheduleService,
    ScheduleRepository,
    TimetableContextReadModel,
    WeekViewReadModel,
    WeekViewsService,
    LessonRemindersService,
    LessonRemindersRepository,
    LessonRecipientsReadModel,
  ],
  exports: [ScheduleService, LessonRemindersService],
})
export class TimetableModule {}
