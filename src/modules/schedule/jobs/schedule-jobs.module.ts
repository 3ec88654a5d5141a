import { Module } from '@nestjs/common';
import { TimetableModule } from '../schedule.module';
import { LessonReminderProcessor } from './lesson-reminder.processor';
import { LessonReminderScheduler } from './lesson-reminder.scheduler';

/** Worker-only: the lesson reminder cron and its processor. */
@Module({
  imports: [TimetableModule],
  providers: [LessonReminderProcessor, LessonReminderScheduler],
})
export class ScheduleJobsModule {}
