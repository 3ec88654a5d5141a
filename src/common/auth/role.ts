export enum Role {
  Student = 'student',
  Parent = 'parent',
  Teacher = 'teacher',
  ClassTeacher = 'class_teacher',
  SchoolAdmin = 'school_admin',
  RegionAdmin = 'region_admin',
  PlatformAdmin = 'platform_admin',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

/** Staff accounts keep password login after the ESIA transition period when the region allows it. */
export const STAFF_ROLES: readonly Role[] = [Role.Teacher, Role.ClassTeacher, Role.SchoolAdmin, Role.RegionAdmin, Role.PlatformAdmin];

/** Roles of people who belong to a school: a user with one of them needs a school (docs/domain.md §1). */
export const SCHOOL_ROLES: readonly Role[] = [Role.Student, Role.Parent, Role.Teacher, Role.ClassTeacher, Role.SchoolAdmin];

export const ADMIN_ROLES: readonly Role[] = [Role.SchoolAdmin, Role.RegionAdmin, Role.PlatformAdmin];
