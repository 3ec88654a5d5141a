/**
 * How names compare: FIO matching when linking Госуслуги (docs/domain.md §4 "FIO") and the grade import's
 * lookups of students by full name, subjects, work types and column headers (docs/domain.md "Import").
 * Case-insensitive, `ё` = `е` (either case), surrounding spaces dropped and inner runs of whitespace (tabs,
 * NBSP included) made one space. Hyphens, inner spaces and other letters stay significant (`е` ≠ `э`).
 * Locale-independent lower-casing: Cyrillic and Latin fold the same in every locale.
 */
export function normalizeName(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/gu, ' ').trim().toLowerCase().replace(/ё/g, 'е');
}
