import { EmulatorPerson, emulatorPersonLevel, LEVEL_LABELS } from './emulator-person';
import { EsiaEmulatorError } from './emulator-errors';
import { PendingAuthRequest } from './emulator-protocol';

/** Plain Russian HTML pages of the emulator. Stable hooks for browser tests: `data-oid`, `#allow`, `#deny`. */

export const EMULATOR_BASE_PATH = '/esia-emulator';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const SCOPE_LABELS: Record<string, string> = {
  openid: 'идентификатор пользователя',
  fullname: 'фамилия, имя, отчество',
  birthdate: 'дата рождения',
  gender: 'пол',
  snils: 'СНИЛС',
  inn: 'ИНН',
  id_doc: 'документ, удостоверяющий личность',
  email: 'адрес электронной почты',
  mobile: 'номер мобильного телефона',
  contacts: 'контактные данные',
  addresses: 'адреса',
};

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — эмулятор Госуслуг</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1c2a3a; }
  .banner { background: #fff4d6; border: 1px solid #e0b84c; padding: .5rem .75rem; font-size: .9rem; }
  h1 { font-size: 1.5rem; }
  form.person { margin: .5rem 0; }
  button { font-size: 1rem; padding: .6rem 1rem; cursor: pointer; }
  form.person button { width: 100%; text-align: left; }
  .muted { color: #5b6b7b; font-size: .9rem; }
  .actions { display: flex; gap: 1rem; margin-top: 1.5rem; }
  #allow { background: #0d4cd3; color: #fff; border: 0; }
  #deny { background: #fff; color: #0d4cd3; border: 1px solid #0d4cd3; }
  .error { background: #fde8e8; border: 1px solid #d33; padding: .75rem; }
</style>
</head>
<body>
<p class="banner">Тестовый эмулятор ЕСИА (Госуслуги) для разработки. Здесь нет настоящих людей и данных.</p>
${body}
</body>
</html>
`;
}

const fio = (p: EmulatorPerson): string => [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');

export function loginPage(requestId: string, request: PendingAuthRequest, persons: EmulatorPerson[]): string {
  const items = persons
    .map((p) => {
      const level = emulatorPersonLevel(p);
      return `<form class="person" method="post" action="${EMULATOR_BASE_PATH}/login">
  <input type="hidden" name="req" value="${esc(requestId)}">
  <button type="submit" name="oid" value="${esc(p.oid)}" data-oid="${esc(p.oid)}" data-level="${level}">
    <strong>${esc(fio(p))}</strong>${p.birthDate ? `, ${esc(p.birthDate)}` : ''}<br>
    <span class="muted">Учётная запись: ${LEVEL_LABELS[level]}${p.snils ? `; СНИЛС ${esc(p.snils)}` : '; без СНИЛС'}${p.note ? ` — ${esc(p.note)}` : ''}</span>
  </button>
</form>`;
    })
    .join('\n');
  return layout(
    'Вход',
    `<h1>Вход на Госуслуги</h1>
<p>Система <strong>${esc(request.clientId)}</strong> просит войти. Выберите тестового пользователя:</p>
${items}`,
  );
}

export function consentPage(requestId: string, request: PendingAuthRequest, person: EmulatorPerson): string {
  const scopes = request.scopes.map((s) => `<li>${esc(SCOPE_LABELS[s] ?? s)}</li>`).join('');
  const form = (id: string, value: string, label: string) =>
    `<form method="post" action="${EMULATOR_BASE_PATH}/consent"><input type="hidden" name="req" value="${esc(requestId)}"><button type="submit" id="${id}" name="decision" value="${value}">${label}</button></form>`;
  return layout(
    'Предоставление прав доступа',
    `<h1>Предоставление прав доступа</h1>
<p>Вы вошли как <strong data-oid="${esc(person.oid)}">${esc(fio(person))}</strong>.</p>
<p>Система <strong>${esc(request.clientId)}</strong> запрашивает доступ к вашим данным:</p>
<ul>${scopes}</ul>
<div class="actions">
${form('allow', 'allow', 'Предоставить')}
${form('deny', 'deny', 'Отказать')}
</div>`,
  );
}

export function errorPage(error: EsiaEmulatorError | { code: string; description: string }): string {
  return layout(
    'Ошибка',
    `<h1>Ошибка</h1>
<p class="error" id="esia-error" data-code="${esc(error.code)}">${esc(error.description)}</p>`,
  );
}

export function loggedOutPage(): string {
  return layout('Выход', '<h1>Вы вышли из учётной записи Госуслуг</h1><p>Можно закрыть эту страницу.</p>');
}
