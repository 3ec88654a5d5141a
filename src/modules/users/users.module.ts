import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchoolsModule } from '../schools/schools.module';
import { AccessChangePublisher } from './access-change.publisher';
import { Enrolment } from './entities/enrolment.entity';
import { ParentChild } from './entities/parent-child.entity';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { AdminUsersController, MeController, StudentsController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, Enrolment, ParentChild]), SchoolsModule],
  controllers: [AdminUsersController, MeController, StudentsController],
  providers: [UsersService, PasswordHasher, AccessChangePublisher],
  exports: [UsersService],
})
export class UsersModule {}
