import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import {
  ClassView, CreateClassDto, CreateRegionDto, CreateSchoolDto, CreateSubjectDto, ListBySchoolQueryDto, ListClassesQueryDto,
  ListSchoolsQueryDto, RegionView, SchoolView, SubjectView, UpdateClassDto, UpdateRegionDto, UpdateSchoolDto, UpdateSubjectDto,
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
  listRegions(@CurrentUser() p: Principal, @Query() q: PageQueryDto): Promise<Page<RegionView>> {
    return this.schools.listRegions(p, q);
  }

  @Get('regions/:id')
  @ApiOkResponse({ type: RegionView })
  getRegion(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<RegionView> {
    return this.schools.getRegion(p, id);
  }

  @Patch('regions/:id')
  @Roles(Role.PlatformAdmin, Role.RegionAdmin)
  @ApiOkResponse({ type: RegionView })
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
  listSchools(@CurrentUser() p: Principal, @Query() q: ListSchoolsQueryDto): Promise<Page<SchoolView>> {
    return this.schools.listSchools(p, q);
  }

  @Get('schools/:id')
  @ApiOkResponse({ type: SchoolView })
  getSchool(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<SchoolView> {
    return this.schools.getSchool(p, id);
  }

  @Patch('schools/:id')
  @ApiOkResponse({ type: SchoolView })
  updateSchool(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateSchoolDto): Promise<SchoolView> {
    return this.schools.updateSchool(p, id, dto);
  }

  @Post('classes')
  @ApiCreatedResponse({ type: ClassView })
  createClass(@CurrentUser() p: Principal, @Body() dto: CreateClassDto): Promise<ClassView> {
    return this.schools.createClass(p, dto);
  }

  @Get('classes')
  listClasses(@CurrentUser() p: Principal, @Query() q: ListClassesQueryDto): Promise<Page<ClassView>> {
    return this.schools.listClasses(p, q);
  }

  @Get('classes/:id')
  @ApiOkResponse({ type: ClassView })
  getClass(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<ClassView> {
    return this.schools.getClass(p, id);
  }

  @Patch('classes/:id')
  @ApiOkResponse({ type: ClassView })
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
  createSubject(@CurrentUser() p: Principal, @Body() dto: CreateSubjectDto): Promise<SubjectView> {
    return this.schools.createSubject(p, dto);
  }

  @Get('subjects')
  listSubjects(@CurrentUser() p: Principal, @Query() q: ListBySchoolQueryDto): Promise<Page<SubjectView>> {
    return this.schools.listSubjects(p, q);
  }

  @Patch('subjects/:id')
  @ApiOkResponse({ type: SubjectView })
  updateSubject(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: UpdateSubjectDto): Promise<SubjectView> {
    return this.schools.updateSubject(p, id, dto);
  }

  @Delete('subjects/:id')
  @HttpCode(204)
  deleteSubject(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.schools.deleteSubject(p, id);
  }
}
