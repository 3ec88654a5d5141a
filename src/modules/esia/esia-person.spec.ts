import { deriveAccountLevel, esiaDateToIso, esiaSnilsToDigits, hasVerifiedIdentityDocument, mapEsiaPerson } from './esia-person';

describe('ESIA person mapping', () => {
  const root = {
    stateFacts: ['EntityRoot'],
    firstName: 'Пётр',
    lastName: 'Тестов',
    middleName: 'Иванович',
    birthDate: '14.03.1990',
    snils: '112-233-445 95',
    trusted: true,
    rIdDoc: 4242,
  };

  it('maps FIO, birth date (dd.MM.yyyy → YYYY-MM-DD) and SNILS (→ 11 digits)', () => {
    expect(mapEsiaPerson('1000123456', root)).toEqual({
      oid: '1000123456',
      lastName: 'Тестов',
      firstName: 'Пётр',
      middleName: 'Иванович',
      birthDate: '1990-03-14',
      snils: '11223344595',
      trusted: true,
      level: 'confirmed',
    });
  });

  it('absent middle name, birth date and SNILS become null; names are trimmed', () => {
    const p = mapEsiaPerson('1', { firstName: ' Мария ', lastName: 'Тестова', middleName: '', trusted: false });
    expect(p).toMatchObject({ firstName: 'Мария', middleName: null, birthDate: null, snils: null, trusted: false, level: 'simplified' });
  });

  it('dates and SNILS: only valid forms pass', () => {
    expect(esiaDateToIso('29.02.2024')).toBe('2024-02-29');
    expect(esiaDateToIso('29.02.2025')).toBeNull();
    expect(esiaDateToIso('1990-03-14')).toBeNull();
    expect(esiaDateToIso(undefined)).toBeNull();
    expect(esiaSnilsToDigits('112-233-445 95')).toBe('11223344595');
    expect(esiaSnilsToDigits('11223344595')).toBe('11223344595');
    expect(esiaSnilsToDigits('112-233-445')).toBeNull();
    expect(esiaSnilsToDigits(12345678901)).toBeNull();
  });

  describe('account level (docs/esia.md "Account level")', () => {
    const passport = (vrfStu: string, id = 4242) => ({ id, type: 'RF_PASSPORT', vrfStu });

    it('confirmed = trusted, whatever the documents', () => {
      expect(mapEsiaPerson('1', { ...root, snils: undefined }, []).level).toBe('confirmed');
    });

    it("standard = not trusted, SNILS and a VERIFIED Russian passport or foreign citizen's document", () => {
      expect(mapEsiaPerson('1', { ...root, trusted: false }, [passport('VERIFIED')]).level).toBe('standard');
      expect(mapEsiaPerson('1', { ...root, trusted: false }, [{ id: 9, type: 'FID_DOC', vrfStu: 'VERIFIED' }]).level).toBe('standard');
      // documents embedded in the root (?embed=(documents.elements)) count too
      expect(mapEsiaPerson('1', { ...root, trusted: false, documents: { size: 1, elements: [passport('VERIFIED')] } }).level).toBe(
        'standard',
      );
    });

    it('simplified = no SNILS, or no verified identity document', () => {
      expect(mapEsiaPerson('1', { ...root, trusted: false, snils: undefined }, [passport('VERIFIED')]).level).toBe('simplified');
      expect(mapEsiaPerson('1', { ...root, trusted: false }, [passport('NOT_VERIFIED')]).level).toBe('simplified');
      // only the documents ESIA checks for the standard level count, even when rIdDoc points at another one
      for (const type of ['RF_DRIVING_LICENSE', 'FRGN_PASS', 'RF_BRTH_CERT', 'MDCL_PLCY', 'SOMETHING']) {
        expect(mapEsiaPerson('1', { ...root, trusted: false, rIdDoc: 1 }, [{ id: 1, type, vrfStu: 'VERIFIED' }]).level).toBe('simplified');
      }
      expect(mapEsiaPerson('1', { ...root, trusted: false }, []).level).toBe('simplified');
      expect(mapEsiaPerson('1', { ...root, trusted: 'true' as unknown as boolean }, []).level).toBe('simplified');
    });

    it('deriveAccountLevel and hasVerifiedIdentityDocument directly', () => {
      expect(deriveAccountLevel({ trusted: false, snils: '11223344595', hasVerifiedIdentityDocument: true })).toBe('standard');
      expect(deriveAccountLevel({ trusted: false, snils: null, hasVerifiedIdentityDocument: true })).toBe('simplified');
      expect(hasVerifiedIdentityDocument([{ id: 1, type: 'RF_PASSPORT', vrfStu: 'VERIFIED' }])).toBe(true);
      expect(hasVerifiedIdentityDocument([])).toBe(false);
    });
  });
});
