import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ApiOffsetPage } from '../../common/pagination/api-page';
import { Page } from '../../common/pagination/page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { Idempotent } from '../../core/idempotency/idempotent.decorator';
import {
  CreateUserDto,
  LinkChildDto,
  ListUsersQueryDto,
  MeView,
  SetPasswordDto,
  StudentProfileView,
  UpdateUserDto,
  UserView,
} from './dto/users.dto';
import { AdminUsersService } from './admin-users.service';
import { UserViewsService } from './user-views.service';

@ApiTags('admin: users')
@ApiBearerAuth()
@Controller('admin/users')
@Roles(Role.PlatformAdmin, Role.RegionAdmin, Role.SchoolAdmin)
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (student with class, parent with children, staff)' })
  @Idempotent()
  @ApiCreatedResponse({ type: UserView })
  create(@CurrentUser() p: Principal, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Users of the schools the caller administers' })
  @ApiOffsetPage(UserView)
  list(@CurrentUser() p: Principal, @Query() q: ListUsersQueryDto): Promise<Page<UserView>> {
    return this.users.list(p, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  @ApiOperation({ summary: 'A user of a school the caller administers' })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<UserView> {
    return this.users.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Edit profile data, roles, status, class',
    description:
      'Takes effect on the user\'s open sessions before this answer returns: `status: "blocked"` ENDS every session ' +
      '(their access and refresh tokens are refused with 401 SESSION_REVOKED on the next request); a change of `roles` ' +
      'RE-SCOPES them (the next request of an old access token already runs with the new roles; a refresh issues tokens ' +
      'with them). Errors: 400 VALIDATION_FAILED / INVALID_USER_SETUP, 403 ROLE_NOT_ALLOWED, 404 USER_NOT_FOUND, 409 SNILS_TAKEN.',
  })
  @ApiOkResponse({ type: UserView })
  update(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.users.update(p, id, dto);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear a lock after failed sign-in attempts' })
  @ApiOkResponse({ type: UserView })
  unlock(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<UserView> {
    return this.users.unlock(p, id);
  }

  @Put(':id/password')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new diary password (also clears a lock); every session of the user ends',
    description:
      'For a user who forgot the password. Rule: at least 8 characters, letters and digits, not the login ' +
      '(400 VALIDATION_FAILED, field `password`). Every session of the user ends before this answer returns: old access ' +
      "and refresh tokens are refused with 401 SESSION_REVOKED. Errors: 404 USER_NOT_FOUND outside the caller's scope.",
  })
  setPassword(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: SetPasswordDto): Promise<void> {
    return this.users.setPassword(p, id, dto.password);
  }

  @Post(':id/children')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link a child (student) to a parent' })
  @ApiOkResponse({ type: UserView })
  addChild(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: LinkChildDto): Promise<UserView> {
    return this.users.addChild(p, id, dto.childId);
  }

  @Delete(':id/children/:childId')
  @ApiOkResponse({ type: UserView })
  @ApiOperation({ summary: 'Unlink a child from a parent' })
  removeChild(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Param('childId', ParseId) childId: string,
  ): Promise<UserView> {
    return this.users.removeChild(p, id, childId);
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly users: UserViewsService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user with roles, school, class and children' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentUser() p: Principal): Promise<MeView> {
    return this.users.me(p.userId);
  }
}

@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class StudentsController {
  constructor(private readonly users: UserViewsService) {}

  @Get(':id')
  @ApiOperation({ summary: "A student's card: self, own child, a student the teacher teaches, or an admin's" })
  @ApiOkResponse({ type: StudentProfileView })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<StudentProfileView> {
    return this.users.studentProfile(p, id);
  }
}
