import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { forbidden } from '../../common/errors/app-error';
import { mapConstraint, stripUndefined } from '../../common/errors/db-constraint';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import {
  ClassView,
  CreateClassDto,
  CreateRegionDto,
  CreateSchoolDto,
  CreateSubjectDto,
  ListClassesQueryDto,
  ListBySchoolQueryDto,
  ListSchoolsQueryDto,
  RegionView,
  SchoolView,
  SubjectView,
  UpdateClassDto,
  UpdateRegionDto,
  UpdateSchoolDto,
  UpdateSubjectDto,
} from './dto/schools.dto';
import { Region } from './entities/region.entity';
import { SchoolClass } from './entities/school-class.entity';
import { School } from './entities/school.entity';
import { Subject } from './entities/subject.entity';
import { SchoolsErrors } from './schools.errors';
import { adminScope, SchoolScope, scopeAllowsSchool, scopeSql } from '../../access';

const parseClassName = (name: string): number => Number(/^(1[01]|[1-9])/.exec(name)![1]);

/** Regions, schools, classes and subjects: the school structure, scoped to what an admin manages. */
@Injectable()
export class SchoolsService {
  constructor(
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    @InjectRepository(School) private readonly schools: Repository<School>,
    @InjectRepository(SchoolClass) private readonly classes: Repository<SchoolClass>,
    @InjectRepository(Subject) private readonly subjects: Repository<Subject>,
  ) {}

  // ---- regions -------------------------------------------------------------------------------

  async createRegion(dto: CreateRegionDto): Promise<RegionView> {
    const region = await mapConstraint(
      () => this.regions.save(this.regions.create({ code: dto.code, name: dto.name, timezone: dto.timezone ?? 'Europe/Moscow' })),
      SchoolsErrors.duplicateRegionCode,
    );
    return toRegionView(region);
  }

  async listRegions(p: Principal, q: PageQueryDto): Promise<Page<RegionView>> {
    const scope = adminScope(p);
    const qb = this.regions.createQueryBuilder('r').orderBy('r.name', 'ASC').addOrderBy('r.id', 'ASC').take(q.limit).skip(q.offset);
    if (scope.kind === 'region') qb.where('r.id = :id', { id: scope.regionId });
    else if (scope.kind === 'school') qb.where('r.id = (SELECT s.region_id FROM schools s WHERE s.id = :sid)', { sid: scope.schoolId });
    else if (scope.kind === 'none') qb.where('FALSE');
    const [rows, total] = await qb.getManyAndCount();
    return page(rows.map(toRegionView), total, q);
  }

  async getRegion(p: Principal, id: string): Promise<RegionView> {
    return toRegionView(await this.regionInScope(p, id));
  }

  async updateRegion(p: Principal, id: string, dto: UpdateRegionDto): Promise<RegionView> {
    const region = await this.regionInScope(p, id, true);
    Object.assign(region, stripUndefined(dto));
    return toRegionView(await mapConstraint(() => this.regions.save(region), SchoolsErrors.duplicateRegionCode));
  }

  /** The region if the caller may see it (region admin: own; platform admin: any); otherwise 404. */
  async regionInScope(p: Principal, id: string, forWrite = false): Promise<Region> {
    const scope = adminScope(p);
    const region = await this.regions.findOneBy({ id });
    if (!region) throw SchoolsErrors.regionNotFound();
    if (scope.kind === 'all') return region;
    if (scope.kind === 'region' && scope.regionId === id) return region;
    if (scope.kind === 'school' && !forWrite) {
      const own = await this.schools.existsBy({ id: scope.schoolId, regionId: id });
      if (own) return region;
    }
    throw SchoolsErrors.regionNotFound();
  }

  // ---- schools -------------------------------------------------------------------------------

  async createSchool(p: Principal, dto: CreateSchoolDto): Promise<SchoolView> {
    const scope = adminScope(p);
    if (scope.kind === 'school' || scope.kind === 'none') throw forbidden('Создавать школы могут администраторы региона');
    const region = await this.regionInScope(p, dto.regionId, true);
    const school = await mapConstraint(
      () =>
        this.schools.save(
          this.schools.create({ regionId: region.id, name: dto.name, shortName: dto.shortName ?? null, timezone: dto.timezone ?? null }),
        ),
      SchoolsErrors.duplicateSchoolName,
    );
    return toSchoolView(school, region);
  }

  async listSchools(p: Principal, q: ListSchoolsQueryDto): Promise<Page<SchoolView>> {
    const scope = scopeSql(adminScope(p), 's');
    const qb = this.schools
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.region', 'r')
      .where(scope.sql, scope.params)
      .orderBy('s.name', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .take(q.limit)
      .skip(q.offset);
    if (q.regionId) qb.andWhere('s.region_id = :regionId', { regionId: q.regionId });
    const [rows, total] = await qb.getManyAndCount();
    return page(
      rows.map((s) => toSchoolView(s, s.region!)),
      total,
      q,
    );
  }

  async getSchool(p: Principal, id: string): Promise<SchoolView> {
    const school = await this.schoolInScope(p, id);
    return toSchoolView(school, school.region!);
  }

  async updateSchool(p: Principal, id: string, dto: UpdateSchoolDto): Promise<SchoolView> {
    const school = await this.schoolInScope(p, id);
    const region = school.region!;
    delete school.region;
    Object.assign(school, stripUndefined(dto));
    const saved = await mapConstraint(() => this.schools.save(school), SchoolsErrors.duplicateSchoolName);
    return toSchoolView(saved, region);
  }

  /** The school (with its region) if the caller administers it; otherwise 404. */
  async schoolInScope(p: Principal, id: string): Promise<School> {
    return this.schoolInAdminScope(adminScope(p), id);
  }

  async schoolInAdminScope(scope: SchoolScope, id: string): Promise<School> {
    const school = await this.schools.findOne({ where: { id }, relations: { region: true } });
    if (!school || !scopeAllowsSchool(scope, school)) throw SchoolsErrors.schoolNotFound();
    return school;
  }

  /** Time zone in force for a school: its own, else its region's. */
  async schoolTimezone(schoolId: string): Promise<string> {
    const school = await this.schools.findOne({ where: { id: schoolId }, relations: { region: true } });
    if (!school) throw SchoolsErrors.schoolNotFound();
    return school.timezone ?? school.region!.timezone;
  }

  // ---- classes -------------------------------------------------------------------------------

  async createClass(p: Principal, dto: CreateClassDto): Promise<ClassView> {
    const school = await this.schoolInScope(p, dto.schoolId);
    const cls = await mapConstraint(
      () =>
        this.classes.save(
          this.classes.create({ schoolId: school.id, name: dto.name, grade: parseClassName(dto.name), academicYear: dto.academicYear }),
        ),
      SchoolsErrors.duplicateClass,
    );
    return toClassView(cls);
  }

  async listClasses(p: Principal, q: ListClassesQueryDto): Promise<Page<ClassView>> {
    const scope = scopeSql(adminScope(p), 's');
    const qb = this.classes
      .createQueryBuilder('c')
      .innerJoin('c.school', 's')
      .where(scope.sql, scope.params)
      .orderBy('c.academic_year', 'DESC')
      .addOrderBy('c.grade', 'ASC')
      .addOrderBy('c.name', 'ASC')
      .take(q.limit)
      .skip(q.offset);
    if (q.schoolId) qb.andWhere('c.school_id = :schoolId', { schoolId: q.schoolId });
    if (q.academicYear) qb.andWhere('c.academic_year = :year', { year: q.academicYear });
    const [rows, total] = await qb.getManyAndCount();
    return page(rows.map(toClassView), total, q);
  }

  async getClass(p: Principal, id: string): Promise<ClassView> {
    return toClassView(await this.classInScope(p, id));
  }

  async updateClass(p: Principal, id: string, dto: UpdateClassDto): Promise<ClassView> {
    const cls = await this.classInScope(p, id);
    delete cls.school;
    if (dto.name !== undefined) {
      cls.name = dto.name;
      cls.grade = parseClassName(dto.name);
    }
    return toClassView(await mapConstraint(() => this.classes.save(cls), SchoolsErrors.duplicateClass));
  }

  async deleteClass(p: Principal, id: string): Promise<void> {
    const cls = await this.classInScope(p, id);
    await mapConstraint(
      () => this.classes.delete({ id: cls.id }),
      SchoolsErrors.duplicateClass,
      () => SchoolsErrors.inUse('Класс'),
    );
  }

  /** The class (with its school) if the caller administers its school; otherwise 404. */
  async classInScope(p: Principal, id: string): Promise<SchoolClass> {
    const cls = await this.classes.findOne({ where: { id }, relations: { school: true } });
    if (!cls || !scopeAllowsSchool(adminScope(p), cls.school!)) throw SchoolsErrors.classNotFound();
    return cls;
  }

  /** Reads a class with no scope check, for modules that apply their own policy. */
  async findClass(id: string): Promise<ClassView | null> {
    const cls = await this.classes.findOneBy({ id });
    return cls ? toClassView(cls) : null;
  }

  // ---- subjects ------------------------------------------------------------------------------

  async createSubject(p: Principal, dto: CreateSubjectDto): Promise<SubjectView> {
    const school = await this.schoolInScope(p, dto.schoolId);
    const subject = await mapConstraint(
      () => this.subjects.save(this.subjects.create({ schoolId: school.id, name: dto.name, shortName: dto.shortName ?? null })),
      SchoolsErrors.duplicateSubject,
    );
    return toSubjectView(subject);
  }

  async listSubjects(p: Principal, q: ListBySchoolQueryDto): Promise<Page<SubjectView>> {
    const scope = scopeSql(adminScope(p), 's');
    const qb = this.subjects
      .createQueryBuilder('sub')
      .innerJoin('sub.school', 's')
      .where(scope.sql, scope.params)
      .orderBy('sub.name', 'ASC')
      .addOrderBy('sub.id', 'ASC')
      .take(q.limit)
      .skip(q.offset);
    if (q.schoolId) qb.andWhere('sub.school_id = :schoolId', { schoolId: q.schoolId });
    const [rows, total] = await qb.getManyAndCount();
    return page(rows.map(toSubjectView), total, q);
  }

  async updateSubject(p: Principal, id: string, dto: UpdateSubjectDto): Promise<SubjectView> {
    const subject = await this.subjectInScope(p, id);
    delete subject.school;
    Object.assign(subject, stripUndefined(dto));
    return toSubjectView(await mapConstraint(() => this.subjects.save(subject), SchoolsErrors.duplicateSubject));
  }

  async deleteSubject(p: Principal, id: string): Promise<void> {
    const subject = await this.subjectInScope(p, id);
    await mapConstraint(
      () => this.subjects.delete({ id: subject.id }),
      SchoolsErrors.duplicateSubject,
      () => SchoolsErrors.inUse('Предмет'),
    );
  }

  async subjectInScope(p: Principal, id: string): Promise<Subject> {
    const subject = await this.subjects.findOne({ where: { id }, relations: { school: true } });
    if (!subject || !scopeAllowsSchool(adminScope(p), subject.school!)) throw SchoolsErrors.subjectNotFound();
    return subject;
  }
}

const toRegionView = (r: Region): RegionView => ({ id: r.id, code: r.code, name: r.name, timezone: r.timezone });
const toSchoolView = (s: School, r: Region): SchoolView => ({
  id: s.id,
  regionId: s.regionId,
  name: s.name,
  shortName: s.shortName,
  timezone: s.timezone ?? r.timezone,
});
const toClassView = (c: SchoolClass): ClassView => ({
  id: c.id,
  schoolId: c.schoolId,
  name: c.name,
  grade: c.grade,
  academicYear: c.academicYear,
});
const toSubjectView = (s: Subject): SubjectView => ({ id: s.id, schoolId: s.schoolId, name: s.name, shortName: s.shortName });
