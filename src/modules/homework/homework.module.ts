import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GradesModule } from '../grades/grades.module';
import { TimetableModule } from '../schedule/schedule.module';
import { HomeworkComment } from './entities/homework-comment.entity';
import { HomeworkFile } from './entities/homework-file.entity';
import { HomeworkSubmission } from './entities/homework-submission.entity';
import { Homework } from './entities/homework.entity';
import { HomeworkController } from './homework.controller';
import { HomeworkRepository } from './homework.repository';
import { HomeworkService } from './homework.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Homework, HomeworkSubmission, HomeworkFile, HomeworkComment]),
    EventsModule,
    TimetableModule,
    GradesModule,
  ],
  controllers: [HomeworkController],
  providers: [HomeworkService, HomeworkRepository],
  exports: [HomeworkService],
})
export class HomeworkModule {}
