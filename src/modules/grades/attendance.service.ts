import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { OutboxService } from '../events/outbox.service';
import { AttendanceListView, MarkAttendanceDto } from './dto/attendance.dto';
import { AttendanceRepository } from './attendance.repository';
import { attendanceMarkedEvent } from './grade-events';
import { GradeTargetService } from './grade-target.service';
import { toAttendanceView } from './grade-views';

/** Attendance of a lesson: absent, late, excused (present clears a mark), attendance.marked for each real change. */
@Injectable()
export class AttendanceService {
  constructor(
    private readonly repo: AttendanceRepository,
    private readonly targets: GradeTargetService,
    private readonly outbox: OutboxService,
  ) {}

  async markAttendance(p: Principal, dto: MarkAttendanceDto): Promise<AttendanceListView> {
    const target = await this.targets.resolveTarget(p, { lessonId: dto.lessonId });
    const ids = dto.marks.map((m) => m.studentId);
    await this.targets.checkStudents(target.classId, ids);
    return this.repo.transaction(async (tx) => {
      const lesson = {
        id: target.lessonId!,
        classId: target.classId,
        subjectId: target.subjectId,
        schoolId: target.schoolId,
        date: target.date,
      };
      const written = await this.repo.upsertAttendance(
        tx,
        lesson,
        dto.marks.map((m) => ({ studentId: m.studentId, status: m.status, reason: m.reason || null })),
        p.userId,
      );
      await this.outbox.recordMany(
        tx,
        written.filter((a) => a.status !== 'present' && a.status !== a.previous_status).map((a) => attendanceMarkedEvent(a, p.userId)),
      );
      const current = new Map(written.map((a) => [a.student_id, a]));
      const unchanged = ids.filter((id) => !current.has(id));
      if (unchanged.length) {
        const rows = await this.repo.findAttendanceOfLesson(lesson.id, unchanged, tx);
        rows.forEach((r) => current.set(r.student_id, r));
      }
      return { items: ids.map((id) => toAttendanceView(current.get(id)!)) };
    });
  }
}
