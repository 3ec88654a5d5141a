import { normalizeName } from '../../common/text/person-name';

/**
 * FIO comparison for linking (docs/domain.md §4 "FIO"). Each part is compared after normalising:
 * case-insensitive, `ё` = `е`, surrounding spaces dropped and inner runs of spaces (incl. NBSP) collapsed.
 * Middle name (отчество): both empty, or both present and equal. One empty and the other not is a
 * mismatch — the help page asks for "полное совпадение ФИО", and an absent middle name in the
 * diary is a profile error the school fixes (FIO_MISMATCH tells the user to ask them).
 */
export interface Fio {
  lastName: string;
  firstName: string;
  middleName: string | null | undefined;
}

export function fioMatches(a: Fio, b: Fio): boolean {
  return (
    normalizeName(a.lastName) === normalizeName(b.lastName) &&
    normalizeName(a.firstName) === normalizeName(b.firstName) &&
    normalizeName(a.middleName) === normalizeName(b.middleName) &&
    normalizeName(a.lastName) !== '' &&
    normalizeName(a.firstName) !== ''
  );
}
