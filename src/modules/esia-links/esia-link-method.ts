/** How an ESIA account came to be linked (docs/domain.md §4): by SNILS+FIO, with the diary password, or from a session. */
export type EsiaLinkMethod = 'snils_fio' | 'password' | 'session';
export const ESIA_LINK_METHODS: readonly EsiaLinkMethod[] = ['snils_fio', 'password', 'session'];
