import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ApiOffsetPage } from '../../common/pagination/api-page';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { Idempotent } from '../../core/idempotency/idempotent.decorator';
import {
  ClassView,
  CreateClassDto,
  CreateRegionDto,
  CreateSchoolDto,
  CreateSubjectDto,
  ListBySchoolQueryDto,
  ListClassesQueryDto,
  ListSchoolsQueryDto,
  RegionView,
  SchoolView,
  SubjectView,
  UpdateClassDto,
  UpdateRegionDto,
  UpdateSchoolDto,
  UpdateSubjectDto,
} from './dto/schools.dto';
import { SchoolsService } from './schools.service';

@ApiTags('admin: school structure')
@ApiBearerAuth()
@Controller('admin')
@Roles(Role.PlatformAdmin, Role.RegionAdmin, Role.SchoolAdmin)
export class SchoolsController {
  constructor(private readonly schools: SchoolsService) {}

  @Post('regions')
  @Roles(Role.PlatformAdmin)
  @ApiOperation({ summary: 'Create a region (platform admin)' })
  @ApiCreatedResponse({ type: RegionView })
  createRegion(@Body() dto: CreateRegionDto): Promise<RegionView> {
    return this.schools.createRegion(dto);
  }

  @Get('regions')
  @ApiOperation({ summary: 'Regions the caller administers' })
  @ApiOffsetPage(RegionView)
  listRegions(@CurrentUser() p: Principal, @Query() q: PageQueryDto): Promise<Page<RegionView>> {
    return this.schools.listRegions(p, q);
  }

  @Get('regions/:id')
  @ApiOkResponse({ type: RegionView })
  @ApiOperation({ summary: 'A region the caller administers' })
  getRegion(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<RegionView> {
    return this.schools.getRegion(p, id);
  }

  @Patch('regions/:id')
  @Roles(Role.PlatformAdmin, Role.RegionAdmin)
  @ApiOkResponse({ type: RegionView })
  @ApiOperation({ summary: "Change a region's code, name or time zone" })
  updateRegion(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateRegionDto): Promise<RegionView> {
    return this.schools.updateRegion(p, id, dto);
  }

  @Post('schools')
  @Roles(Role.PlatformAdmin, Role.RegionAdmin)
  @ApiOperation({ summary: 'Create a school in a region the caller administers' })
  @ApiCreatedResponse({ type: SchoolView })
  createSchool(@CurrentUser() p: Principal, @Body() dto: CreateSchoolDto): Promise<SchoolView> {
    return this.schools.createSchool(p, dto);
  }

  @Get('schools')
  @ApiOperation({ summary: "Schools the caller administers (a region admin: the region's; a school admin: their own)" })
  @ApiOffsetPage(SchoolView)
  listSchools(@CurrentUser() p: Principal, @Query() q: ListSchoolsQueryDto): Promise<Page<SchoolView>> {
    return this.schools.listSchools(p, q);
  }

  @Get('schools/:id')
  @ApiOkResponse({ type: SchoolView })
  @ApiOperation({ summary: 'A school the caller administers' })
  getSchool(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<SchoolView> {
    return this.schools.getSchool(p, id);
  }

  @Patch('schools/:id')
  @ApiOkResponse({ type: SchoolView })
  @ApiOperation({ summary: "Change a school's name, short name or time zone" })
  updateSchool(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateSchoolDto): Promise<SchoolView> {
    return this.schools.updateSchool(p, id, dto);
  }

  @Post('classes')
  @ApiCreatedResponse({ type: ClassView })
  @ApiOperation({ summary: 'Add a class to a school year (school admin)' })
  @Idempotent()
  createClass(@CurrentUser() p: Principal, @Body() dto: CreateClassDto): Promise<ClassView> {
    return this.schools.createClass(p, dto);
  }

  @Get('classes')
  @ApiOperation({ summary: 'Classes of the schools the caller administers, by school and year' })
  @ApiOffsetPage(ClassView)
  listClasses(@CurrentUser() p: Principal, @Query() q: ListClassesQueryDto): Promise<Page<ClassView>> {
    return this.schools.listClasses(p, q);
  }

  @Get('classes/:id')
  @ApiOkResponse({ type: ClassView })
  @ApiOperation({ summary: 'A class of a school the caller administers' })
  getClass(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<ClassView> {
    return this.schools.getClass(p, id);
  }

  @Patch('classes/:id')
  @ApiOkResponse({ type: ClassView })
  @ApiOperation({ summary: 'Rename a class (the grade follows the name)' })
  updateClass(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateClassDto): Promise<ClassView> {
    return this.schools.updateClass(p, id, dto);
  }

  @Delete('classes/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an empty class (409 STILL_IN_USE if students or lessons refer to it)' })
  deleteClass(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.schools.deleteClass(p, id);
  }

  @Post('subjects')
  @ApiCreatedResponse({ type: SubjectView })
  @ApiOperation({ summary: 'Add a subject to a school' })
  @Idempotent()
  createSubject(@CurrentUser() p: Principal, @Body() dto: CreateSubjectDto): Promise<SubjectView> {
    return this.schools.createSubject(p, dto);
  }

  @Get('subjects')
  @ApiOperation({ summary: 'Subjects of a school the caller administers' })
  @ApiOffsetPage(SubjectView)
  listSubjects(@CurrentUser() p: Principal, @Query() q: ListBySchoolQueryDto): Promise<Page<SubjectView>> {
    return this.schools.listSubjects(p, q);
  }

  @Patch('subjects/:id')
  @ApiOkResponse({ type: SubjectView })
  @ApiOperation({ summary: 'Rename a subject' })
  updateSubject(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateSubjectDto): Promise<SubjectView> {
    return this.schools.updateSubject(p, id, dto);
  }

  @Delete('subjects/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subject nothing refers to (409 STILL_IN_USE otherwise)' })
  deleteSubject(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.schools.deleteSubject(p, id);
  }
}
