import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ApiOffsetPage } from '../../common/pagination/api-page';
import { Page } from '../../common/pagination/page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import {
  ClassTeacherView,
  CreateTeacherAssignmentDto,
  ListTeacherAssignmentsQueryDto,
  SetClassTeacherDto,
  TeacherAssignmentView,
} from './dto/teaching.dto';
import { TeachingService } from './teaching.service';

@ApiTags('admin: teaching')
@ApiBearerAuth()
@Controller('admin')
@Roles(Role.PlatformAdmin, Role.RegionAdmin, Role.SchoolAdmin)
export class TeachingController {
  constructor(private readonly teaching: TeachingService) {}

  @Post('teacher-assignments')
  @ApiOperation({ summary: 'Assign a teacher to teach a subject in a class' })
  @ApiCreatedResponse({ type: TeacherAssignmentView })
  assign(@CurrentUser() p: Principal, @Body() dto: CreateTeacherAssignmentDto): Promise<TeacherAssignmentView> {
    return this.teaching.assign(p, dto);
  }

  @Get('teacher-assignments')
  @ApiOperation({ summary: 'Teacher assignments (teacher × class × subject) in the schools the caller administers' })
  @ApiOffsetPage(TeacherAssignmentView)
  list(@CurrentUser() p: Principal, @Query() q: ListTeacherAssignmentsQueryDto): Promise<Page<TeacherAssignmentView>> {
    return this.teaching.list(p, q);
  }

  @Delete('teacher-assignments/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a teacher assignment' })
  unassign(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.teaching.unassign(p, id);
  }

  @Put('classes/:id/class-teacher')
  @ApiOperation({ summary: 'Make a teacher the class teacher (классный руководитель) of the class' })
  @ApiOkResponse({ type: ClassTeacherView })
  setClassTeacher(
    @CurrentUser() p: Principal,
    @Param('id', ParseId) id: string,
    @Body() dto: SetClassTeacherDto,
  ): Promise<ClassTeacherView> {
    return this.teaching.setClassTeacher(p, id, dto.teacherId);
  }

  @Get('classes/:id/class-teacher')
  @ApiOkResponse({ type: ClassTeacherView })
  @ApiOperation({ summary: 'The class teacher of a class (404 NO_CLASS_TEACHER when none)' })
  getClassTeacher(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<ClassTeacherView> {
    return this.teaching.getClassTeacher(p, id);
  }

  @Delete('classes/:id/class-teacher')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the class teacher of a class (the teacher loses the class_teacher role)' })
  removeClassTeacher(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.teaching.removeClassTeacher(p, id);
  }
}
