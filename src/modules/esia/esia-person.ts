import { normalizeSnils } from '../../common/validation/snils';
import { EsiaAccountLevel, EsiaPerson } from './identity-provider';

/** The fields of `/rs/prns/{oid}` we read (docs/esia.md "Person data"). */
export interface EsiaPersonResource {
  firstName?: unknown;
  lastName?: unknown;
  middleName?: unknown;
  birthDate?: unknown;
  snils?: unknown;
  trusted?: unknown;
  rIdDoc?: unknown;
  documents?: unknown;
}

/** An element of `/rs/prns/{oid}/docs` (docs/esia.md "Person data"). */
export interface EsiaDocumentResource {
  id?: unknown;
  type?: unknown;
  vrfStu?: unknown;
}

/**
 * The identity documents ESIA checks for a "Стандартная" account (docs/esia.md "Account level"): the
 * Russian passport (checked with МВД) and, for a foreign citizen, the foreign citizen's identity
 * document. A birth certificate, a passport for travel abroad (FRGN_PASS), a driving licence or an OMS
 * policy never make an account standard, verified or not.
 */
export const STANDARD_LEVEL_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['RF_PASSPORT', 'FID_DOC']);

/** `dd.MM.yyyy` → `YYYY-MM-DD`; null for anything else or an impossible date. */
export function esiaDateToIso(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(value.trim());
  if (!m) return null;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** `XXX-XXX-XXX YY` (or digits) → 11 digits; null when absent or not 11 digits. */
export function esiaSnilsToDigits(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const digits = normalizeSnils(value.trim());
  return /^\d{11}$/.test(digits) ? digits : null;
}

/** Elements of an ESIA collection (`{size, elements}`), tolerating `{}` and missing `elements` (docs/esia.md "Person data"). */
export function collectionElements<T>(collection: unknown): T[] {
  if (!collection || typeof collection !== 'object') return [];
  const elements = (collection as { elements?: unknown }).elements;
  return Array.isArray(elements) ? elements.filter((e): e is T => e !== null && typeof e === 'object') : [];
}

/** True when a Russian passport or a foreign citizen's identity document is `vrfStu: VERIFIED`. */
export function hasVerifiedIdentityDocument(documents: EsiaDocumentResource[]): boolean {
  return documents.some((d) => d.vrfStu === 'VERIFIED' && typeof d.type === 'string' && STANDARD_LEVEL_DOCUMENT_TYPES.has(d.type));
}

/**
 * Account level (docs/esia.md "Account level"): confirmed = `trusted: true`; standard = SNILS and a
 * VERIFIED passport (or foreign citizen's document), which is what ESIA checks to grant that level
 * (ESIA has no explicit field for it); simplified otherwise.
 */
export function deriveAccountLevel(p: { trusted: boolean; snils: string | null; hasVerifiedIdentityDocument: boolean }): EsiaAccountLevel {
  if (p.trusted) return 'confirmed';
  if (p.snils !== null && p.hasVerifiedIdentityDocument) return 'standard';
  return 'simplified';
}

/** Maps the person resource (+ its documents, when read) to {@link EsiaPerson}. */
export function mapEsiaPerson(oid: string, person: EsiaPersonResource, documents: EsiaDocumentResource[] = []): EsiaPerson {
  const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const trusted = person.trusted === true;
  const snils = esiaSnilsToDigits(person.snils);
  const middleName = text(person.middleName);
  const allDocuments = [...documents, ...collectionElements<EsiaDocumentResource>(person.documents)];
  return {
    oid,
    lastName: text(person.lastName),
    firstName: text(person.firstName),
    middleName: middleName === '' ? null : middleName,
    birthDate: esiaDateToIso(person.birthDate),
    snils,
    trusted,
    level: deriveAccountLevel({ trusted, snils, hasVerifiedIdentityDocument: hasVerifiedIdentityDocument(allDocuments) }),
  };
}
