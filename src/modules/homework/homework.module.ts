import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GradesModule } from '../grades/grades.module';
import { TimetableModule } from '../schedule/schedule.module';
import { HomeworkComment } from './entities/homework-comment.entity';
import { HomeworkFile } from './entities/homework-file.entity';
import { HomeworkSubmission } from './entities/homework-submission.entity';
import { Homework } from './entities/homework.entity';
import { HomeworkCommentsService } from './homework-comments.service';
import { HomeworkStoredFiles } from './homework-files';
import { HomeworkSubmissionsService } from './homework-submissions.service';
import { HomeworkController } from './homework.controller';
import { HomeworkRepository } from './homework.repository';
import { HomeworkService } from './homework.service';
import { ClassWorkReadModel } from './read-models/class-work.read-model';

@Module({
  imports: [
    TypeOrmModule.forFeature([Homework, HomeworkSubmission, HomeworkFile, HomeworkComment]),
    EventsModule,
    TimetableModule,
    GradesModule,
  ],
  controllers: [HomeworkController],
  providers: [
    HomeworkService,
    HomeworkSubmissionsService,
    HomeworkCommentsService,
    HomeworkStoredFiles,
    HomeworkRepository,
    ClassWorkReadModel,
  ],
  exports: [HomeworkService, HomeworkSubmissionsService, HomeworkCommentsService],
})
export class HomeworkModule {}
