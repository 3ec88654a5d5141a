import { EmulatorPerson } from './emulator-person';

/**
 * Test persons of the ESIA emulator (TEST DATA, fake SNILS with valid checksums). Exported so a demo
 * seed can create matching diary users. Level = what docs/esia.md "Account level" derives from the data.
 */
const passport = (id: number, vrfStu: 'VERIFIED' | 'NOT_VERIFIED', number: string) => ({
  id,
  type: 'RF_PASSPORT',
  vrfStu,
  series: '4500',
  number,
  issueDate: '01.02.2015',
  issueId: '770001',
  issuedBy: 'ОВД Тестового района (ТЕСТ)',
});

export const ESIA_EMULATOR_FIXTURES: readonly EmulatorPerson[] = [
  {
    oid: '1000000001',
    lastName: 'Тестов',
    firstName: 'Пётр',
    middleName: 'Иванович',
    birthDate: '14.03.1985',
    gender: 'M',
    snils: '112-233-445 95',
    trusted: true,
    documents: [passport(40001, 'VERIFIED', '100001')],
    contacts: [
      { id: 31001, type: 'MBT', vrfStu: 'VERIFIED', value: '+7(900)0000001' },
      { id: 31002, type: 'EML', vrfStu: 'NOT_VERIFIED', value: 'petr.testov@example.test' },
    ],
    kids: [],
    note: 'взрослый, подтверждённая учётная запись',
  },
  {
    oid: '1000000002',
    lastName: 'Смирнова',
    firstName: 'Анна',
    middleName: 'Сергеевна',
    birthDate: '02.09.1990',
    gender: 'F',
    snils: '123-456-789 64',
    trusted: false,
    documents: [passport(40002, 'VERIFIED', '100002')],
    contacts: [{ id: 31003, type: 'EML', vrfStu: 'VERIFIED', value: 'anna.smirnova@example.test' }],
    kids: [],
    note: 'взрослая, стандартная учётная запись',
  },
  {
    oid: '1000000003',
    lastName: 'Козлов',
    firstName: 'Игорь',
    middleName: 'Олегович',
    birthDate: '21.11.1995',
    gender: 'M',
    snils: '145-678-902 06',
    trusted: false,
    documents: [passport(40003, 'NOT_VERIFIED', '100003')],
    contacts: [{ id: 31004, type: 'MBT', vrfStu: 'NOT_VERIFIED', value: '+7(900)0000003' }],
    kids: [],
    note: 'взрослый, упрощённая учётная запись (паспорт не проверен) — уровня недостаточно',
  },
  {
    oid: '1000000004',
    lastName: 'Тестова',
    firstName: 'Мария',
    middleName: 'Петровна',
    birthDate: '10.05.2016',
    gender: 'F',
    trusted: false,
    documents: [],
    contacts: [],
    kids: [],
    note: 'ребёнок младше 14 лет, упрощённая учётная запись без СНИЛС',
  },
  {
    oid: '1000000005',
    lastName: 'Тестова',
    firstName: 'Елена',
    middleName: 'Викторовна',
    birthDate: '07.07.1987',
    gender: 'F',
    snils: '156-783-409 04',
    trusted: true,
    documents: [passport(40005, 'VERIFIED', '100005')],
    contacts: [{ id: 31005, type: 'MBT', vrfStu: 'VERIFIED', value: '+7(900)0000005' }],
    kids: ['1000000004'],
    note: 'родитель (мама Марии Тестовой), подтверждённая учётная запись',
  },
  {
    oid: '1000000006',
    lastName: 'Кузнецова',
    firstName: 'Ольга',
    middleName: 'Игоревна',
    birthDate: '30.01.1982',
    gender: 'F',
    snils: '176-543-210 76',
    trusted: true,
    documents: [passport(40006, 'VERIFIED', '100006')],
    contacts: [],
    kids: [],
    note: 'ФИО отличается от дневника: в дневнике она «Петрова Ольга Игоревна» (девичья фамилия), СНИЛС тот же',
  },
];

/**
 * The diary-side counterpart of the "FIO differs" fixture: a demo seed creates this diary user, so
 * signing in as oid 1000000006 ends in FIO_MISMATCH.
 */
export const DIARY_USER_WITH_DIFFERENT_FIO = {
  esiaOid: '1000000006',
  lastName: 'Петрова',
  firstName: 'Ольга',
  middleName: 'Игоревна',
  birthDate: '1982-01-30',
  snils: '176-543-210 76',
} as const;
