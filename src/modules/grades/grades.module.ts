import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { TimetableModule } from '../schedule/schedule.module';
import { AcademicPeriod } from './entities/academic-period.entity';
import { AttendanceMark } from './entities/attendance-mark.entity';
import { GradeChange } from './entities/grade-change.entity';
import { Grade } from './entities/grade.entity';
import { GradingSettings } from './entities/grading-settings.entity';
import { PeriodMark } from './entities/period-mark.entity';
import { AttendanceController, GradesController } from './grades.controller';
import { GradesRepository } from './grades.repository';
import { GradesService } from './grades.service';
import { GradeImportService } from './import/grade-import.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Grade, GradeChange, AttendanceMark, AcademicPeriod, PeriodMark, GradingSettings]),
    EventsModule,
    TimetableModule,
  ],
  controllers: [GradesController, AttendanceController],
  providers: [GradesService, GradesRepository, GradeImportService],
  exports: [GradesService],
})
export class GradesModule {}
