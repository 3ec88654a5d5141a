import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchoolsModule } from '../schools/schools.module';
import { UsersModule } from '../users/users.module';
import { ClassTeacher } from './entities/class-teacher.entity';
import { TeacherAssignment } from './entities/teacher-assignment.entity';
import { TeachingController } from './teaching.controller';
import { TeachingService } from './teaching.service';

@Module({
  imports: [TypeOrmModule.forFeature([TeacherAssignment, ClassTeacher]), SchoolsModule, UsersModule],
  controllers: [TeachingController],
  providers: [TeachingService],
  exports: [TeachingService],
})
export class TeachingModule {}
