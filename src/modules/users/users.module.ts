import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchoolsModule } from '../schools/schools.module';
import { AccessChangePublisher } from './access-change.publisher';
import { AdminUsersService } from './admin-users.service';
import { CredentialsService } from './credentials.service';
import { Enrolment } from './entities/enrolment.entity';
import { ParentChild } from './entities/parent-child.entity';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { PersonalDataService } from './personal-data.service';
import { UserRolesService } from './user-roles.service';
import { UserViewsService } from './user-views.service';
import { UsersBootstrap } from './users-bootstrap.service';
import { AdminUsersController, MeController, StudentsController } from './users.controller';
import { MeReadModel } from './read-models/me.read-model';
import { UsersRepository } from './users.repository';

@Module({
  imports: [TypeOrmModule.forFeature([User, Enrolment, ParentChild]), SchoolsModule],
  controllers: [AdminUsersController, MeController, StudentsController],
  providers: [
    UsersRepository,
    MeReadModel,
    AdminUsersService,
    CredentialsService,
    PersonalDataService,
    UserViewsService,
    UserRolesService,
    UsersBootstrap,
    PasswordHasher,
    AccessChangePublisher,
  ],
  exports: [AdminUsersService, CredentialsService, PersonalDataService, UserViewsService, UserRolesService],
})
export class UsersModule {}
