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
import { AttendanceRepository } from './attendance.repository';
import { AttendanceService } from './attendance.service';
import { GradeEntryRepository } from './grade-entry.repository';
import { GradeEntryService } from './grade-entry.service';
import { GradeFeedsRepository } from './grade-feeds.repository';
import { GradeFeedsService } from './grade-feeds.service';
import { GradeTargetService } from './grade-target.service';
import { GradingSettingsService } from './grading-settings.service';
import { GradesRepository } from './grades.repository';
import { GradeImportService } from './import/grade-import.service';
import { JournalRepository } from './journal.repository';
import { JournalService } from './journal.service';
import { PeriodMarksService } from './period-marks.service';
import { PeriodsRepository } from './periods.repository';
import { GradeContextReadModel } from './read-models/grade-context.read-model';
import { GradeNamesReadModel } from './read-models/grade-names.read-model';

@Module({
  imports: [
    TypeOrmModule.forFeature([Grade, GradeChange, AttendanceMark, AcademicPeriod, PeriodMark, GradingSettings]),
    EventsModule,
    TimetableModule,
  ],
  controllers: [GradesController, AttendanceController],
  providers: [
    GradesRepository,
    GradeContextReadModel,
    GradeNamesReadModel,
    GradeTargetService,
    GradeEntryRepository,
    GradeEntryService,
    AttendanceRepository,
    AttendanceService,
    JournalRepository,
    JournalService,
    PeriodsRepository,
    PeriodMarksService,
    GradingSettingsService,
    GradeFeedsRepository,
    GradeFeedsService,
    GradeImportService,
  ],
  /** Homework records its grades through GradeEntryService (in its own transaction). */
  exports: [GradeEntryService],
})
export class GradesModule {}
