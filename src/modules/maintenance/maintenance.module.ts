import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GradesModule } from '../grades/grades.module';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceScheduler } from './maintenance.scheduler';

/** Worker-only: housekeeping jobs and their schedule. */
@Module({
  imports: [AuthModule, GradesModule],
  providers: [MaintenanceProcessor, MaintenanceScheduler],
})
export class MaintenanceModule {}
