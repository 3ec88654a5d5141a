/**
 * Read model of the users module: the signed-in user as `GET /me` shows them, with their children. Besides the
 * module's own `users`, `enrolments` and `parent_children` it reads, of the schools module, `schools` (the user's and
 * each child's school) and `classes` (the current class of the user and of each child), and never writes them.
 * Why a join and not the schools module's service: `me` is the first read of every app start, one prepared statement
 * for the user, the school, the class and every child, instead of a query per child and module.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryPrepared } from '../../../core/database/prepared';
import { ChildView, MeView } from '../dto/users.dto';

const SCHOOL_JSON = (s: string) =>
  `CASE WHEN ${s}.id IS NULL THEN NULL ELSE json_build_object('id', ${s}.id, 'name', ${s}.name, 'regionId', ${s}.region_id) END`;
const CLASS_JSON = (student: string) => `(SELECT json_build_object('id', c.id, 'name', c.name, 'academicYear', c.academic_year)
   FROM enrolments e JOIN classes c ON c.id = e.class_id WHERE e.student_id = ${student} AND e.ended_at IS NULL)`;
const ME_SQL = `
  SELECT u.id, u.login, u.last_name AS "lastName", u.first_name AS "firstName", u.middle_name AS "middleName",
         to_char(u.birth_date, 'YYYY-MM-DD') AS "birthDate", u.roles, ${SCHOOL_JSON('s')} AS school, u.region_id AS "regionId",
         ${CLASS_JSON('u.id')} AS class,
         COALESCE((SELECT json_agg(json_build_object('id', ch.id, 'lastName', ch.last_name, 'firstName', ch.first_name, 'middleName', ch.middle_name,
                                                     'class', ${CLASS_JSON('ch.id')}, 'school', ${SCHOOL_JSON('cs')}))
                     FROM parent_children pc JOIN users ch ON ch.id = pc.child_id LEFT JOIN schools cs ON cs.id = ch.school_id
                    WHERE pc.parent_id = u.id AND 'parent' = ANY(u.roles)), '[]'::json) AS children
    FROM users u LEFT JOIN schools s ON s.id = u.school_id
   WHERE u.id = $1`;

@Injectable()
export class MeReadModel {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One prepared statement: the first read of every app start. */
  async findMe(userId: string): Promise<(Omit<MeView, 'children'> & { children: ChildView[] }) | undefined> {
    const [row] = await queryPrepared<Omit<MeView, 'children'> & { children: ChildView[] }>(this.db, ME_SQL, [userId]);
    return row;
  }
}
