import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { SchoolsErrors } from '../schools/schools.errors';
import { GradingSettingsDto, GradingSettingsView } from './dto/grading-settings.dto';
import { toSettingsView } from './grade-views';
import { SchoolGrading } from './grading-rules';
import { GradesErrors } from './grades.errors';
import { GradesRepository } from './grades.repository';
import { GradeContextReadModel } from './read-models/grade-context.read-model';

/** A school's grading scale, work types with weights and rounding threshold: read by its members, set by its admins. */
@Injectable()
export class GradingSettingsService {
  constructor(
    private readonly repo: GradesRepository,
    private readonly context: GradeContextReadModel,
  ) {}

  async getSettings(p: Principal, schoolId: string): Promise<GradingSettingsView> {
    if (!(await this.context.isSchoolReadable(p, schoolId))) throw SchoolsErrors.schoolNotFound();
    return toSettingsView(schoolId, await this.repo.findGrading(schoolId));
  }

  async putSettings(p: Principal, schoolId: string, dto: GradingSettingsDto): Promise<GradingSettingsView> {
    if (!(await this.context.isSchoolAdministered(p, schoolId))) throw SchoolsErrors.schoolNotFound();
    const codes = dto.workTypes.map((w) => w.code);
    const dup = codes.find((c, i) => codes.indexOf(c) !== i);
    if (dup) throw GradesErrors.invalidSettings(`Вид работы «${dup}» указан дважды`, 'workTypes');
    const grading: SchoolGrading = {
      scale: dto.scale,
      workTypes: dto.workTypes.map((w) => ({ code: w.code, name: w.name, weight: w.weight })),
      roundingThreshold: dto.roundingThreshold ?? 0.5,
    };
    await this.repo.saveGrading(schoolId, grading, p.userId);
    return toSettingsView(schoolId, grading);
  }
}
