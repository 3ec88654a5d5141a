import { EmulatorPerson } from './emulator-person';
import { eTag } from './emulator-protocol';

/** Renders emulator persons in ESIA's REST shapes (docs/esia.md "Person data"), filtered by the token's scopes. */

export type CollectionKind = 'ctts' | 'docs' | 'kids' | 'addrs' | 'vhls' | 'orgs';

/** Root-embed names (`?embed=(contacts.elements,…)`) → collection. */
const EMBED_NAMES: Record<string, CollectionKind> = {
  contacts: 'ctts',
  documents: 'docs',
  kids: 'kids',
  addresses: 'addrs',
  vehicles: 'vhls',
  organizations: 'orgs',
};

const has = (scopes: string[], ...names: string[]): boolean => names.some((n) => scopes.includes(n));

export function collectionAllowed(kind: CollectionKind, scopes: string[]): boolean {
  switch (kind) {
    case 'ctts':
      return has(scopes, 'email', 'mobile', 'contacts');
    case 'docs':
      return scopes.some((s) => s === 'id_doc' || (s.endsWith('_doc') && !s.startsWith('kid_')));
    case 'kids':
      return scopes.some((s) => s.startsWith('kid_'));
    case 'addrs':
      return has(scopes, 'addresses');
    case 'vhls':
      return has(scopes, 'vehicles');
    case 'orgs':
      return has(scopes, 'usr_org');
  }
}

/** `"(contacts.elements,documents.elements)"` → names; `"(elements)"` → `['elements']`. */
export function parseEmbed(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const m = /^\((.*)\)$/.exec(value.trim());
  return m
    ? m[1]
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];
}

type Kids = Map<string, EmulatorPerson>;

function items(
  person: EmulatorPerson,
  kind: CollectionKind,
  scopes: string[],
  kids: Kids,
): Array<Record<string, unknown> & { id: number | string }> {
  switch (kind) {
    case 'ctts':
      return person.contacts
        .filter((c) => (c.type === 'EML' || c.type === 'CEM' ? has(scopes, 'email', 'contacts') : has(scopes, 'mobile', 'contacts')))
        .map((c) => ({ stateFacts: ['Identifiable'], ...c, eTag: eTag(c) }));
    case 'docs':
      return person.documents.map((d) => ({
        stateFacts: ['EntityRoot'],
        ...d,
        ...(d.type === 'RF_PASSPORT' ? { fmsValid: d.vrfStu === 'VERIFIED' } : {}),
        eTag: eTag(d),
      }));
    case 'kids':
      return person.kids
        .map((oid) => kids.get(oid))
        .filter((k): k is EmulatorPerson => k !== undefined)
        .map((k) => {
          const kid: Record<string, unknown> & { id: number } = { stateFacts: ['Identifiable'], id: Number(k.oid) };
          if (has(scopes, 'kid_fullname'))
            Object.assign(kid, { lastName: k.lastName, firstName: k.firstName, ...(k.middleName ? { middleName: k.middleName } : {}) });
          if (has(scopes, 'kid_birthdate') && k.birthDate) kid.birthDate = k.birthDate;
          if (has(scopes, 'kid_gender') && k.gender) kid.gender = k.gender;
          if (has(scopes, 'kid_snils') && k.snils) kid.snils = k.snils;
          kid.eTag = eTag(kid);
          return kid;
        });
    default:
      return [];
  }
}

export function collectionView(
  base: string,
  person: EmulatorPerson,
  kind: CollectionKind,
  scopes: string[],
  kids: Kids,
  embedElements: boolean,
): Record<string, unknown> {
  const list = items(person, kind, scopes, kids);
  const elements = embedElements ? list : list.map((i) => `${base}/rs/prns/${person.oid}/${kind}/${i.id}`);
  return { stateFacts: ['hasSize'], size: list.length, eTag: eTag(list), elements };
}

export function collectionItem(
  person: EmulatorPerson,
  kind: CollectionKind,
  scopes: string[],
  kids: Kids,
  id: string,
): Record<string, unknown> | null {
  return items(person, kind, scopes, kids).find((i) => String(i.id) === id) ?? null;
}

export function personView(base: string, person: EmulatorPerson, scopes: string[], embed: string[], kids: Kids): Record<string, unknown> {
  const view: Record<string, unknown> = { stateFacts: ['EntityRoot'] };
  if (has(scopes, 'fullname')) {
    view.firstName = person.firstName;
    view.lastName = person.lastName;
    if (person.middleName) view.middleName = person.middleName;
  }
  if (has(scopes, 'birthdate') && person.birthDate) view.birthDate = person.birthDate;
  if (has(scopes, 'gender') && person.gender) view.gender = person.gender;
  if (has(scopes, 'snils') && person.snils) view.snils = person.snils;
  if (has(scopes, 'inn') && person.inn) view.inn = person.inn;
  if (has(scopes, 'id_doc', 'citizenship')) view.citizenship = 'RUS';
  view.trusted = person.trusted;
  view.updatedOn = 1741936800;
  view.status = 'REGISTERED';
  view.verifying = false;
  const mainDoc = person.documents.find((d) => d.type === 'RF_PASSPORT');
  if (mainDoc && has(scopes, 'id_doc')) view.rIdDoc = mainDoc.id;
  view.containsUpCfmCode = false;
  view.rfgUOperatorCheck = false;
  view.kidAccCreatedByParent = false;
  for (const name of embed) {
    const m = /^(\w+)\.elements$/.exec(name);
    const kind = m ? EMBED_NAMES[m[1]] : undefined;
    if (kind && collectionAllowed(kind, scopes)) view[m![1]] = collectionView(base, person, kind, scopes, kids, true);
  }
  view.eTag = eTag(view);
  return view;
}
