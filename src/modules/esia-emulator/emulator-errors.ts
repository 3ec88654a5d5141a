/** ESIA error codes the emulator answers with (docs/esia.md "Error codes"), with OAuth `error` values and MR-style texts. */
export interface EsiaEmulatorError {
  /** OAuth `error`. */
  error: string;
  /** `ESIA-0xxxxx: text`. */
  description: string;
  code: string;
}

const make = (code: string, error: string, text: string): EsiaEmulatorError => ({ code, error, description: `${code}: ${text}` });

export const EmulatorErrors = {
  missingParameter: (name: string) => make('ESIA-007014', 'invalid_request', `Запрос не содержит обязательного параметра [${name}]`),
  invalidParameter: (name: string) => make('ESIA-007003', 'invalid_request', `Запрос содержит недопустимый параметр [${name}]`),
  /** Verbatim text observed from ESIA (docs/esia.md "Error codes"). */
  denied: () => make('ESIA-007004', 'access_denied', 'The resource owner or authorization server denied the request.'),
  certificateNotBound: () => make('ESIA-007002', 'invalid_client', 'Несоответствие сертификата и мнемоники информационной системы'),
  invalidScope: (scope: string) =>
    make('ESIA-007006', 'invalid_scope', `Запрошенная область доступа недопустима или неизвестна [${scope}]`),
  unsupportedGrant: () => make('ESIA-007009', 'unsupported_grant_type', 'Тип разрешения на авторизацию не поддерживается'),
  invalidGrant: () =>
    make(
      'ESIA-007011',
      'invalid_grant',
      'Авторизационный код или маркер обновления недействителен, просрочен, отозван или выдан другой системе',
    ),
  badTimestamp: () => make('ESIA-007015', 'invalid_request', 'Неверное время запроса'),
  unregisteredRedirect: () =>
    make('ESIA-007023', 'invalid_request', 'Указанный адрес перенаправления (redirect_uri) не зарегистрирован для системы'),
  /** docs/esia.md "Error codes": `OAuthErrorEnum.clientSecretWrong`. */
  clientSecretWrong: () =>
    make('ESIA-007053', 'access_denied', 'OAuthErrorEnum.clientSecretWrong: неверная подпись запроса или сертификат'),
};
