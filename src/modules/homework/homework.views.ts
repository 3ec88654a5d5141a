import { toApiValue } from '../grades/grading-rules';
import { addDays, zonedToUtc } from '../schedule/school-time';
import { CommentView, FileView, HomeworkView, SubmissionView } from './dto/homework.dto';
import { FileRow, HomeworkRow } from './homework.repository';
import { CommentRow, SubmissionRow } from './read-models/class-work.read-model';

/** Rows of the homework repository and read model as the API shows them. */

/** The due day ends at midnight school time: a submission after it is late. */
export function endOfDay(date: string, tz: string): Date {
  return zonedToUtc(addDays(date, 1), '00:00', tz);
}

export const fileView = (f: FileRow): FileView => ({
  id: f.id,
  fileName: f.file_name,
  contentType: f.content_type,
  sizeBytes: f.size_bytes,
  url: `/api/v1/homework/files/${f.id}`,
});

export function toView(h: HomeworkRow, files: FileRow[]): HomeworkView {
  return {
    id: h.id,
    classId: h.class_id,
    subjectId: h.subject_id,
    lessonId: h.lesson_id,
    teacherId: h.teacher_id,
    text: h.text,
    dueDate: h.due_date,
    dueAt: new Date(h.due_at).toISOString(),
    attachments: files.filter((f) => f.homework_id === h.id).map(fileView),
    createdAt: new Date(h.created_at).toISOString(),
    updatedAt: new Date(h.updated_at).toISOString(),
  };
}

export function toSubmissionView(r: SubmissionRow, h: HomeworkRow, files: FileRow[]): SubmissionView {
  const late = !!r.submitted_at && new Date(r.submitted_at).getTime() > new Date(h.due_at).getTime();
  const status = !r.status ? 'not_submitted' : r.status === 'submitted' ? (late ? 'late' : 'submitted') : r.status;
  return {
    id: r.id,
    homeworkId: h.id,
    studentId: r.student_id,
    studentName: r.student_name,
    status,
    text: r.text,
    submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
    late,
    attempt: r.attempt ?? 0,
    teacherComment: r.teacher_comment,
    gradeId: r.grade_id,
    grade: r.grade_value !== null && r.grade_value !== undefined ? toApiValue(r.grade_value, r.grade_scale ?? 'five_point') : null,
    files: files.filter((f) => r.id && f.submission_id === r.id).map(fileView),
  };
}

export function toCommentView(c: CommentRow): CommentView {
  return {
    id: c.id,
    studentId: c.student_id,
    authorId: c.author_id,
    authorName: c.author_name,
    body: c.body,
    createdAt: new Date(c.created_at).toISOString(),
  };
}
