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

export const ADMIN_ROLES: readonly Role[] = [Role.SchoolAdmin, Role.RegionAdmin, Role.PlatformAdmin];
