import { AuthErrorCode } from '../modules/auth/auth.errors';
import { MfaErrorCode } from '../modules/auth/mfa/mfa.errors';
import { ESIA_REFUSAL_MESSAGES } from '../modules/linking/linking.errors';

/**
 * The reference web client: one HTML page, one script module, one stylesheet, served by the app itself
 * (TypeScript strings, so they work from src/ under jest and from dist/ after tsc), and the typed client
 * it imports (client/, bundled into diary-client.generated.ts). No inline script or style: the page runs
 * under a strict same-origin CSP. It shows how a frontend uses the API: password sign-in, "Войти через Госуслуги", the link form after ?linkTicket=, the transition
 * prompt (Привязать / Пропустить), the signed-in page and an error page for every refusal code.
 * Stable hooks for browser tests: the element ids below.
 */

/** Russian texts the error page shows, by code (the same texts the API sends in `message`). */
export const WEB_ERROR_MESSAGES: Record<string, string> = {
  ...ESIA_REFUSAL_MESSAGES,
  [AuthErrorCode.AccountDisabled]: 'Учётная запись отключена. Обратитесь к администратору школы',
  INTERNAL_ERROR: 'Не удалось завершить вход. Попробуйте ещё раз немного позже.',
};

export const WEB_INDEX_HTML = `<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Электронный дневник — вход</title>
<link rel="stylesheet" href="/web/app.css">
<script type="module" src="/web/app.js"></script>
</head>
<body>
<main>
  <h1>Электронный дневник</h1>
  <p id="loading" class="muted">Загрузка…</p>

  <section id="view-sign-in" hidden>
    <h2>Вход</h2>
    <form id="login-form" autocomplete="on">
      <label>Логин <input id="login" name="login" autocomplete="username" required maxlength="100"></label>
      <label>Пароль <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200"></label>
      <button type="submit" id="login-submit">Войти</button>
    </form>
    <p id="login-error" class="error" role="alert" hidden></p>
    <div class="or">или</div>
    <button type="button" id="esia-login" class="esia">Войти через Госуслуги</button>
    <p id="esia-regions" class="muted"></p>
  </section>

  <section id="view-mfa" hidden>
    <h2>Второй фактор</h2>
    <p>Введите шестизначный код из приложения-аутентификатора или один из резервных кодов.</p>
    <form id="mfa-form" autocomplete="off">
      <label>Код <input id="mfa-code" name="code" autocomplete="one-time-code" inputmode="text" required maxlength="40"></label>
      <button type="submit" id="mfa-submit">Подтвердить</button>
    </form>
    <p id="mfa-error" class="error" role="alert" hidden></p>
  </section>

  <section id="view-mfa-enrol" hidden>
    <h2>Подключение второго фактора</h2>
    <p>Отсканируйте QR-код приложением-аутентификатором (или введите ключ вручную), затем введите код из приложения.</p>
    <img id="mfa-qr" alt="QR-код для приложения-аутентификатора" width="200" height="200">
    <p class="muted">Ключ: <code id="mfa-secret"></code></p>
    <form id="mfa-enrol-form" autocomplete="off">
      <label>Код из приложения <input id="mfa-enrol-code" name="code" autocomplete="one-time-code" inputmode="numeric" required maxlength="12"></label>
      <button type="submit" id="mfa-enrol-submit">Подключить и войти</button>
    </form>
    <p id="mfa-enrol-error" class="error" role="alert" hidden></p>
  </section>

  <section id="view-recovery-codes" hidden>
    <h2>Резервные коды</h2>
    <p>Сохраните эти коды: каждый из них один раз заменяет код из приложения, если телефона нет под рукой. Больше они не будут показаны.</p>
    <ul id="recovery-codes"></ul>
    <button type="button" id="recovery-done">Я сохранил коды</button>
  </section>

  <section id="view-link" hidden>
    <h2>Связывание с учётной записью портала госуслуг</h2>
    <p>Ваш профиль не найден в Дневнике по данным с портала госуслуг (ФИО и СНИЛС).
       Введите логин и пароль от Дневника: если они верны и ФИО совпадают, учётные записи будут связаны.</p>
    <form id="link-form" autocomplete="on">
      <label>Логин Дневника <input id="link-login" name="login" autocomplete="username" required maxlength="100"></label>
      <label>Пароль Дневника <input id="link-password" name="password" type="password" autocomplete="current-password" required maxlength="200"></label>
      <button type="submit" id="link-submit">Связать и войти</button>
    </form>
    <p id="link-error" class="error" role="alert" hidden></p>
  </section>

  <section id="view-link-prompt" hidden>
    <h2>Вход через портал госуслуг</h2>
    <p>В вашем регионе идёт переходный период: скоро войти в Дневник можно будет только через портал госуслуг.
       Свяжите свою учётную запись Дневника с учётной записью портала госуслуг.</p>
    <div class="actions">
      <button type="button" id="link-esia" class="esia">Привязать учетную запись портала Госуслуг</button>
      <button type="button" id="skip-link">Пропустить</button>
    </div>
    <p id="prompt-error" class="error" role="alert" hidden></p>
  </section>

  <section id="view-signed-in" hidden>
    <h2>Вы вошли</h2>
    <p class="user">Пользователь: <strong id="user-name"></strong></p>
    <p id="link-status" class="muted"></p>
    <button type="button" id="logout">Выйти</button>
  </section>

  <section id="view-error" hidden>
    <h2>Не удалось войти</h2>
    <p id="error-message" class="error" role="alert"></p>
    <p class="muted">Код ошибки: <code id="error-code"></code></p>
    <a id="restart" href="/">Начать заново</a>
  </section>
</main>
</body>
</html>
`;

export const WEB_STYLES_CSS = `
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1c2a3a; }
h1 { font-size: 1.6rem; }
label { display: block; margin: .5rem 0; }
input { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; padding: .5rem; }
button, a#restart { font-size: 1rem; padding: .6rem 1rem; cursor: pointer; margin-top: .5rem; }
button.esia { background: #0d4cd3; color: #fff; border: 0; }
.or { margin: 1rem 0; color: #5b6b7b; }
.muted { color: #5b6b7b; font-size: .9rem; }
.error { background: #fde8e8; border: 1px solid #d33; padding: .75rem; }
.success { background: #e6f6ea; border: 1px solid #3a3; padding: .75rem; }
.actions { display: flex; gap: 1rem; flex-wrap: wrap; }
`;

/**
 * The client script: an ES module (served under the same CSP) that calls the API through the typed client,
 * bundled from client/ and served at `clientUrl` (/web/diary-client.js): tokens in sessionStorage, sent as
 * Bearer by the client, which also refreshes an expired access token once. Plain JS, no template literals
 * (it is itself inside one), no innerHTML. `esiaLoginUrl` is on the origin of ESIA's redirect_uri, so the
 * state cookie is set where the callback will read it even when the page was opened under another host
 * name (localhost vs 127.0.0.1).
 */
export function webClientScript(esiaLoginUrl: string, clientUrl: string): string {
  return `import { createDiaryClient, unwrap } from ${JSON.stringify(clientUrl)};

var MESSAGES = ${JSON.stringify(WEB_ERROR_MESSAGES)};
var ESIA_LOGIN = ${JSON.stringify(esiaLoginUrl)};
var VIEWS = ['view-sign-in', 'view-mfa', 'view-mfa-enrol', 'view-recovery-codes', 'view-link', 'view-link-prompt', 'view-signed-in', 'view-error'];
var MFA_REQUIRED = ${JSON.stringify(MfaErrorCode.MfaRequired)};
var MFA_ENROLMENT_REQUIRED = ${JSON.stringify(MfaErrorCode.MfaEnrolmentRequired)};
var MFA_CODE_INVALID = ${JSON.stringify(MfaErrorCode.CodeInvalid)};
var MFA_CODE_REUSED = ${JSON.stringify(MfaErrorCode.CodeReused)};

function $(id) { return document.getElementById(id); }
function show(view) {
  $('loading').hidden = true;
  VIEWS.forEach(function (v) { $(v).hidden = v !== view; });
}
function say(id, text) { var el = $(id); el.textContent = text || ''; el.hidden = !text; }
function messageFor(code, fallback) { return MESSAGES[code] || fallback || 'Не удалось выполнить действие. Попробуйте ещё раз.'; }

function saveTokens(r) { sessionStorage.setItem('diary.tokens', JSON.stringify({ accessToken: r.accessToken, refreshToken: r.refreshToken })); }
function tokens() { try { return JSON.parse(sessionStorage.getItem('diary.tokens') || 'null'); } catch (e) { return null; } }

// errors of unwrap() are DiaryApiError { code, message (Russian), status }; a network failure is a TypeError
var diary = createDiaryClient({
  getAccessToken: function () { var t = tokens(); return t && t.accessToken; },
  getRefreshToken: function () { var t = tokens(); return t && t.refreshToken; },
  onTokenRefresh: saveTokens,
  onSessionEnd: function () { sessionStorage.removeItem('diary.tokens'); },
});

function fullName(u) { return [u.lastName, u.firstName, u.middleName].filter(Boolean).join(' '); }

function showSignedIn(user, note) {
  $('user-name').textContent = fullName(user);
  say('link-status', note || '');
  show('view-signed-in');
  if (!note && tokens()) {
    unwrap(diary.GET('/api/v1/me/esia-link')).then(function (l) {
      say('link-status', l.linked ? 'Учётная запись связана с порталом госуслуг.' : 'Учётная запись не связана с порталом госуслуг.');
    }).catch(function () {});
  }
}

function showError(code, message) {
  $('error-message').textContent = message || messageFor(code);
  $('error-code').textContent = code;
  show('view-error');
}

function cleanUrl() { history.replaceState(null, '', location.pathname); }

function loadRegions() {
  unwrap(diary.GET('/api/v1/auth/esia/regions', { params: { query: { limit: 200 } } })).then(function (page) {
    if (page.items.length) say('esia-regions', 'Вход через Госуслуги доступен в регионах: ' + page.items.map(function (r) { return r.name; }).join(', ') + '.');
  }).catch(function () {});
}

function showSignIn() { show('view-sign-in'); loadRegions(); }

function afterPasswordLogin(r) {
  saveTokens(r);
  if (r.esiaLinkSuggested) { window.__pendingUser = r.user; show('view-link-prompt'); }
  else showSignedIn(r.user);
}

// the second step of a staff sign-in: the challenge of the MFA_REQUIRED / MFA_ENROLMENT_REQUIRED answer
var mfaChallenge = null;

function backToSignIn(message) { mfaChallenge = null; showSignIn(); say('login-error', message); }

// a wrong code may be typed again (MFA_CODE_INVALID, MFA_CODE_REUSED); anything else ends the challenge
function mfaFailed(errorId, e) {
  if (e.code === MFA_CODE_INVALID || e.code === MFA_CODE_REUSED) say(errorId, e.message);
  else backToSignIn(e.code ? messageFor(e.code, e.message) : e.message);
}

function startEnrolment() {
  unwrap(diary.POST('/api/v1/auth/login/mfa/enrol', { body: { challenge: mfaChallenge } }))
    .then(function (r) {
      $('mfa-qr').src = r.qrCode;
      $('mfa-secret').textContent = r.secret;
      say('mfa-enrol-error', '');
      show('view-mfa-enrol');
      $('mfa-enrol-code').focus();
    })
    .catch(function (e) { backToSignIn(e.code ? messageFor(e.code, e.message) : e.message); });
}

function showRecoveryCodes(r) {
  var list = $('recovery-codes');
  while (list.firstChild) list.removeChild(list.firstChild);
  r.recoveryCodes.forEach(function (c) { var li = document.createElement('li'); li.textContent = c; list.appendChild(li); });
  show('view-recovery-codes');
  $('recovery-done').onclick = function () { afterPasswordLogin(r); };
}

function start() {
  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('login-error', '');
    unwrap(diary.POST('/api/v1/auth/login', { body: { login: $('login').value, password: $('password').value } }))
      .then(afterPasswordLogin)
      .catch(function (e) {
        if ((e.code === MFA_REQUIRED || e.code === MFA_ENROLMENT_REQUIRED) && e.details && e.details.challenge) {
          mfaChallenge = e.details.challenge;
          $('password').value = '';
          if (e.code === MFA_ENROLMENT_REQUIRED) return startEnrolment();
          $('mfa-code').value = '';
          say('mfa-error', '');
          show('view-mfa');
          $('mfa-code').focus();
          return;
        }
        say('login-error', e.code ? messageFor(e.code, e.message) : e.message);
      });
  });
  $('mfa-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('mfa-error', '');
    var typed = $('mfa-code').value.trim();
    // six digits (spaces allowed) are a code from the app; anything else is a recovery code
    var body = /^[0-9 ]+$/.test(typed) ? { challenge: mfaChallenge, code: typed } : { challenge: mfaChallenge, recoveryCode: typed };
    unwrap(diary.POST('/api/v1/auth/login/mfa', { body: body }))
      .then(function (r) { mfaChallenge = null; afterPasswordLogin(r); })
      .catch(function (e) { mfaFailed('mfa-error', e); });
  });
  $('mfa-enrol-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('mfa-enrol-error', '');
    unwrap(diary.POST('/api/v1/auth/login/mfa/enrol/confirm', { body: { challenge: mfaChallenge, code: $('mfa-enrol-code').value } }))
      .then(function (r) { mfaChallenge = null; saveTokens(r); showRecoveryCodes(r); })
      .catch(function (e) { mfaFailed('mfa-enrol-error', e); });
  });
  $('esia-login').addEventListener('click', function () { location.href = ESIA_LOGIN; });
  $('link-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('link-error', '');
    var body = { linkTicket: sessionStorage.getItem('diary.linkTicket'), login: $('link-login').value, password: $('link-password').value };
    unwrap(diary.POST('/api/v1/auth/esia/link', { body: body }))
      .then(function (r) { sessionStorage.removeItem('diary.linkTicket'); saveTokens(r); showSignedIn(r.user, 'Учётные записи Дневника и портала госуслуг связаны.'); })
      .catch(function (e) {
        if (e.code === 'INVALID_CREDENTIALS' || e.code === 'ACCOUNT_LOCKED' || e.code === 'TOO_MANY_LOGIN_ATTEMPTS') say('link-error', e.message);
        else { sessionStorage.removeItem('diary.linkTicket'); showError(e.code || 'INTERNAL_ERROR', e.code ? messageFor(e.code, e.message) : e.message); }
      });
  });
  $('link-esia').addEventListener('click', function () {
    unwrap(diary.POST('/api/v1/auth/esia/link-start'))
      .then(function (r) { location.href = r.url; })
      .catch(function (e) { say('prompt-error', e.code ? messageFor(e.code, e.message) : e.message); });
  });
  $('skip-link').addEventListener('click', function () { showSignedIn(window.__pendingUser); });
  $('logout').addEventListener('click', function () {
    var t = tokens();
    sessionStorage.removeItem('diary.tokens');
    (t ? unwrap(diary.POST('/api/v1/auth/logout', { body: { refreshToken: t.refreshToken } })) : Promise.resolve()).catch(function () {}).then(showSignIn);
  });

  var q = new URLSearchParams(location.search);
  if (q.get('ticket')) {
    var ticket = q.get('ticket');
    cleanUrl();
    unwrap(diary.POST('/api/v1/auth/esia/exchange', { body: { ticket: ticket } }))
      .then(function (r) { saveTokens(r); showSignedIn(r.user, r.linkedNow ? 'Учётные записи Дневника и портала госуслуг связаны.' : ''); })
      .catch(function (e) { showError(e.code || 'INTERNAL_ERROR', e.code ? messageFor(e.code, e.message) : e.message); });
  } else if (q.get('linkTicket')) {
    sessionStorage.setItem('diary.linkTicket', q.get('linkTicket'));
    cleanUrl();
    show('view-link');
  } else if (q.get('error')) {
    var code = q.get('error');
    cleanUrl();
    showError(code);
  } else if (tokens()) {
    unwrap(diary.GET('/api/v1/me')).then(function (u) { showSignedIn(u); }).catch(function () { sessionStorage.removeItem('diary.tokens'); showSignIn(); });
  } else {
    showSignIn();
  }
}

// a module runs after the document is parsed, before DOMContentLoaded
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
`;
}
