import { STANDARD_LEVEL_DOCUMENT_TYPES } from '../esia/esia-person';

/** A person as the emulator stores it (ESIA's own shapes: dates `dd.MM.yyyy`, SNILS `XXX-XXX-XXX YY`). */
export interface EmulatorDocument {
  id: number;
  type: string;
  vrfStu: 'VERIFIED' | 'NOT_VERIFIED';
  series?: string;
  number?: string;
  issueDate?: string;
  issueId?: string;
  issuedBy?: string;
}

export interface EmulatorContact {
  id: number;
  type: 'MBT' | 'EML' | 'PHN' | 'CEM' | 'CPH';
  vrfStu: 'VERIFIED' | 'NOT_VERIFIED';
  value: string;
}

export interface EmulatorPerson {
  oid: string;
  lastName: string;
  firstName: string;
  middleName?: string;
  birthDate?: string;
  gender?: 'M' | 'F';
  snils?: string;
  inn?: string;
  trusted: boolean;
  documents: EmulatorDocument[];
  contacts: EmulatorContact[];
  /** Oids of children (their data is read from their own person records). */
  kids: string[];
  /** Shown on the emulator's login page only (not ESIA data). */
  note?: string;
}

export const LEVEL_LABELS = { simplified: 'упрощённая', standard: 'стандартная', confirmed: 'подтверждённая' } as const;

/** The level the emulator's data implies (the same rule as the client, docs/esia.md "Account level"). */
export function emulatorPersonLevel(p: EmulatorPerson): keyof typeof LEVEL_LABELS {
  if (p.trusted) return 'confirmed';
  const verified = p.documents.some((d) => d.vrfStu === 'VERIFIED' && STANDARD_LEVEL_DOCUMENT_TYPES.has(d.type));
  return p.snils && verified ? 'standard' : 'simplified';
}
