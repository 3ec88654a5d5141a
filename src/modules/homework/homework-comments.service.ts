import { Injectable } from '@nestjs/common';
import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { UsersErrors } from '../users/users.errors';
import { CommentPage, CommentView, CreateCommentDto } from './dto/homework.dto';
import { HomeworkErrors } from './homework.errors';
import { HomeworkRepository } from './homework.repository';
import { toCommentView } from './homework.views';
import { ClassWorkReadModel } from './read-models/class-work.read-model';

/** Comment threads on a student's work on a homework: the student, their parents and the teachers who may read it. */
@Injectable()
export class HomeworkCommentsService {
  constructor(
    private readonly repo: HomeworkRepository,
    private readonly classWork: ClassWorkReadModel,
  ) {}

  async addComment(p: Principal, id: string, dto: CreateCommentDto): Promise<CommentView> {
    const h = await this.repo.findReadable(p, id);
    if (!h) throw HomeworkErrors.homeworkNotFound();
    let studentId = dto.studentId;
    if (!studentId && hasRole(p, Role.Student)) studentId = p.userId;
    if (!studentId && hasRole(p, Role.Parent)) {
      // a parent's thread is the one of their child in this class, when there is exactly one
      const inClass = await this.classWork.childrenInClass(p.userId, h.class_id);
      if (inClass.length === 1) studentId = inClass[0];
    }
    if (!studentId) throw HomeworkErrors.invalid('studentId', 'Укажите, о работе какого ученика комментарий');
    if (!(await this.repo.isCurrentStudentWork(p, id, studentId))) throw UsersErrors.studentNotFound();
    // in a transaction (not autocommit), so that under an Idempotency-Key its commit is fenced like every create's
    const commentId = await this.repo.transaction((tx) => this.repo.insertComment(tx, id, studentId, p.userId, dto.body));
    const page = await this.classWork.findComments(id, studentId, 200, 0);
    const c = page.rows.find((r) => r.id === commentId)!;
    return toCommentView(c);
  }

  async comments(p: Principal, id: string, q: { studentId: string; limit: number; offset: number }): Promise<CommentPage> {
    const h = await this.repo.findReadable(p, id);
    if (!h || !(await this.repo.canReadStudentWork(p, id, q.studentId))) throw HomeworkErrors.homeworkNotFound();
    const { rows, total } = await this.classWork.findComments(id, q.studentId, q.limit, q.offset);
    return { items: rows.map(toCommentView), total, limit: q.limit, offset: q.offset };
  }
}
