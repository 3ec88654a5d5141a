import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { pageCursor } from '../../common/pagination/cursor';
import { readFeedPage } from '../../core/feeds/feed-cursor';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import { AttendanceFeedView, FeedQueryDto, GradeFeedView } from './dto/feeds.dto';
import { GradeFeedsRepository } from './grade-feeds.repository';
import { toAttendanceView, toGradeView } from './grade-views';
import { GradesErrors } from './grades.errors';
import { GradeContextReadModel } from './read-models/grade-context.read-model';

/** The `?cursor=` feeds of grades and of attendance, for a student or a class (docs/architecture.md "Delta feeds"). */
@Injectable()
export class GradeFeedsService {
  constructor(
    private readonly repo: GradeFeedsRepository,
    private readonly context: GradeContextReadModel,
  ) {}

  gradeFeed(p: Principal, q: FeedQueryDto): Promise<GradeFeedView> {
    return this.feed(p, q, (after, limit) => this.repo.findGradeFeed(p, q, after, limit), toGradeView);
  }

  attendanceFeed(p: Principal, q: FeedQueryDto): Promise<AttendanceFeedView> {
    return this.feed(p, q, (after, limit) => this.repo.findAttendanceFeed(p, q, after, limit), toAttendanceView);
  }

  /** One page of a `?since=` feed (core/feeds: the same cursor semantics as every feed of changes). */
  private async feed<R extends { cx?: string; id: string }, V>(
    p: Principal,
    q: FeedQueryDto,
    find: (after: { xid: string; id: string }, limit: number) => Promise<R[]>,
    view: (row: R) => V,
  ): Promise<{ items: V[]; nextCursor: string; hasMore: boolean }> {
    await this.checkFeedAccess(p, q);
    return readFeedPage(
      pageCursor(q),
      q.limit,
      [async (after, limit) => (await find(after, limit)).map((r) => ({ ...r, cx: r.cx ?? '0' }))],
      (rows) => rows.map(view),
    );
  }

  private async checkFeedAccess(p: Principal, q: FeedQueryDto): Promise<void> {
    if ((q.studentId === undefined) === (q.classId === undefined)) throw GradesErrors.targetRequired();
    if (q.studentId && !(await this.context.findStudentContext(p, q.studentId))) throw UsersErrors.studentNotFound();
    if (q.classId && !(await this.context.isClassFeedReadable(p, q.classId))) throw SchoolsErrors.classNotFound();
  }
}
