import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_CATALOGUE, GLOBAL_ERRORS, ROUTE_ERRORS } from './error-catalogue.generated';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Codes any operation can answer with, whatever it does: the exception filter's own, and the raw-URL check
 * (core/http/input-guard.ts), which refuses a NUL or invalid UTF-8 in any path or query string before routing.
 */
const ALWAYS = ['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'VALIDATION_FAILED'];
/** …when it takes parameters or a body (ValidationPipe, ParseId, the body checks). */
const WITH_INPUT = ['VALIDATION_FAILED'];
/** …when it takes a body (unreadable JSON, too deep, too large). */
const WITH_BODY = ['MALFORMED_REQUEST', 'PAYLOAD_TOO_LARGE'];
/** Public routes are rate-limited per client. */
const PUBLIC = ['TOO_MANY_REQUESTS'];

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  423: 'Locked',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

/**
 * Resource names for operationIds where the controller's name does not say what the routes handle. An
 * operationId is `<method><Resource>` (`listUsers`, `createGrade`), or the method's own name when that is
 * already a verb phrase (`studentWeek` → `getStudentWeek` is not needed: `studentWeek` stays).
 */
const RESOURCE: Record<string, string> = {
  AdminUsersController: 'Users',
  AuthController: '',
  MessagingController: 'Conversations',
  ScheduleController: 'Lessons',
  MeController: 'Me',
  PingController: '',
  WebController: 'WebClient',
  HealthController: 'Health',
  EsiaAuthController: 'Esia',
  StudentsController: 'Students',
};

/** Handlers whose method name alone does not read as an action on a resource. */
const OPERATION_IDS: Record<string, string> = {
  'AdminEsiaLinksController.list': 'listEsiaLinks',
  'AdminEsiaLinksController.revoke': 'revokeEsiaLink',
  'AdminLoginHistoryController.list': 'listLoginHistory',
  'AdminUsersController.addChild': 'linkChild',
  'AdminUsersController.removeChild': 'unlinkChild',
  'AdminUsersController.setPassword': 'setUserPassword',
  'AnnouncementsController.inbox': 'listAnnouncementInbox',
  'AnnouncementsController.markRead': 'markAnnouncementRead',
  'AnnouncementsController.recipients': 'listAnnouncementRecipients',
  'AnnouncementsController.sent': 'listSentAnnouncements',
  'AnnouncementsController.stats': 'getAnnouncementStats',
  'AttendanceController.feed': 'listAttendanceChanges',
  'AuthSettingsController.get': 'getRegionAuthSettings',
  'AuthSettingsController.put': 'setRegionAuthSettings',
  'AuthSettingsController.testConnection': 'testEsiaConnection',
  'EsiaAuthController.callback': 'esiaCallback',
  'EsiaAuthController.exchange': 'exchangeEsiaTicket',
  'EsiaAuthController.link': 'linkEsiaWithPassword',
  'EsiaAuthController.linkStart': 'startEsiaLink',
  'EsiaAuthController.login': 'startEsiaSignIn',
  'EsiaRegionsController.regions': 'listEsiaRegions',
  'EventsStreamController.stream': 'streamEvents',
  'GradesController.batch': 'createGradesBatch',
  'GradesController.createPeriod': 'createGradingPeriod',
  'GradesController.feed': 'listGradeChanges',
  'GradesController.history': 'getGradeHistory',
  'GradesController.import': 'importGrades',
  'GradesController.journal': 'getClassJournal',
  'GradesController.periods': 'listGradingPeriods',
  'GradesController.putSettings': 'setGradingSettings',
  'GradesController.settings': 'getGradingSettings',
  'GradesController.studentGrades': 'getStudentGrades',
  'GradesController.studentHistory': 'listStudentGradeChanges',
  'GradesController.whatIf': 'whatIfAverage',
  'HealthController.live': 'healthLive',
  'HealthController.ready': 'healthReady',
  'HomeworkController.attach': 'attachHomeworkFiles',
  'HomeworkController.comment': 'addHomeworkComment',
  'HomeworkController.comments': 'listHomeworkComments',
  'HomeworkController.detach': 'removeHomeworkFile',
  'HomeworkController.download': 'downloadHomeworkFile',
  'HomeworkController.gradeWork': 'gradeSubmission',
  'HomeworkController.returnWork': 'returnSubmission',
  'HomeworkController.submission': 'getSubmission',
  'HomeworkController.submissions': 'listSubmissions',
  'MessagingController.addMembers': 'addConversationMembers',
  'MessagingController.contacts': 'listContacts',
  'MessagingController.createGroup': 'createGroupConversation',
  'MessagingController.download': 'downloadMessageAttachment',
  'MessagingController.history': 'listMessages',
  'MessagingController.markRead': 'markConversationRead',
  'MessagingController.openDirect': 'openDirectConversation',
  'MessagingController.removeMember': 'removeConversationMember',
  'MessagingController.send': 'sendMessage',
  'MessagingController.sendWithFiles': 'sendMessageWithFiles',
  'MessagingController.unread': 'getUnreadTotals',
  'NotificationsController.devices': 'listPushDevices',
  'NotificationsController.preferences': 'getNotificationPreferences',
  'NotificationsController.read': 'markNotificationRead',
  'NotificationsController.readAll': 'markAllNotificationsRead',
  'NotificationsController.registerMobile': 'registerMobileDevice',
  'NotificationsController.removeDevice': 'removePushDevice',
  'NotificationsController.unreadCount': 'getUnreadNotificationCount',
  'NotificationsController.updatePreferences': 'updateNotificationPreferences',
  'NotificationsController.vapidKey': 'getVapidPublicKey',
  'PortalSyncController.list': 'listPortalDeliveries',
  'PortalSyncController.retry': 'retryPortalDelivery',
  'ScheduleController.classChanges': 'listClassScheduleChanges',
  'ScheduleController.classWeek': 'getClassWeek',
  'ScheduleController.createPattern': 'createLessonsFromPattern',
  'ScheduleController.lessonChanges': 'listLessonChanges',
  'ScheduleController.reminders': 'getLessonReminders',
  'ScheduleController.setReminders': 'setLessonReminders',
  'ScheduleController.studentWeek': 'getStudentWeek',
  'ScheduleController.teacherWeek': 'getTeacherWeek',
  'TeachingController.assign': 'assignTeacher',
  'TeachingController.list': 'listTeacherAssignments',
  'TeachingController.unassign': 'unassignTeacher',
};

const singular = (plural: string): string => plural.replace(/ies$/, 'y').replace(/(?<!s)s$/, '');

function readableOperationId(controller: string, method: string): string {
  const named = OPERATION_IDS[`${controller}.${method}`];
  if (named) return named;
  const resource = RESOURCE[controller] ?? controller.replace(/Controller$/, '');
  if (/[A-Z]/.test(method) || resource === '') return method; // `listRegions`, `studentWeek`, `login`
  if (method === 'list') return `list${resource}`;
  if (method === 'me') return 'getMe';
  return `${method}${singular(resource)}`;
}

/**
 * The OpenAPI document: readable operationIds, and every operation's error answers with their codes, derived
 * from the code (tools/api-contract writes error-catalogue.generated.ts from the error factories each route
 * can reach, and the global guards').
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Электронный дневник — API')
    .setDescription(
      'REST API of the school diary backend. Errors always have the body `ErrorBody` ' +
        '`{ statusCode, code, message, details?, requestId }`: `code` is a stable English identifier to switch on ' +
        '(each operation lists the codes it can return; all of them are in docs/errors.md), `message` is Russian text for the user. ' +
        '429 and 503 answers carry `Retry-After` (seconds).',
    )
    .setVersion('1')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from POST /api/v1/auth/login' })
    .build();

  const handlerOf = new Map<string, string>();
  const taken = new Map<string, number>();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => {
      let id = readableOperationId(controller, method);
      const n = taken.get(id) ?? 0;
      taken.set(id, n + 1);
      if (n > 0) id = `${id}${controller.replace(/Controller$/, '')}`;
      handlerOf.set(id, `${controller}.${method}`);
      return id;
    },
  });
  addErrorSchema(doc);
  doc.security = [{ bearer: [] }];
  doc.components!.responses = Object.fromEntries(
    Object.entries(SHARED_RESPONSES).map(([name, r]) => [name, errorResponse(r.status, r.codes())]),
  );
  for (const item of Object.values(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (op) addErrorResponses(op, handlerOf.get(op.operationId ?? ''));
    }
  }
  return doc;
}

function addErrorSchema(doc: OpenAPIObject): void {
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.ErrorBody = {
    type: 'object',
    required: ['statusCode', 'code', 'message'],
    properties: {
      statusCode: { type: 'integer', example: 404 },
      code: { type: 'string', description: 'Stable identifier to switch on (docs/errors.md)', example: 'USER_NOT_FOUND' },
      message: { type: 'string', description: 'Russian text to show the user', example: 'Пользователь не найден' },
      details: { description: 'Machine-readable specifics; for VALIDATION_FAILED a list of { field, code, message }' },
      requestId: { type: 'string', description: 'Also in the service log' },
      errorId: { type: 'string', description: '5xx only: the id of the logged failure' },
    },
  };
}

function addErrorResponses(op: Operation, handler: string | undefined): void {
  const route = handler ? ROUTE_ERRORS[handler] : undefined;
  // every route needs the access token unless it is @Public (the document's default security says so)
  if (route?.isPublic) op.security = [];
  else op.security ??= [{ bearer: [] }];
  const codes = new Set<string>([...(route?.codes ?? []), ...ALWAYS]);
  const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
  if (hasInput) WITH_INPUT.forEach((c) => codes.add(c));
  if (op.requestBody !== undefined) WITH_BODY.forEach((c) => codes.add(c));
  if (route?.isPublic) PUBLIC.forEach((c) => codes.add(c));
  else GLOBAL_ERRORS.authenticated.forEach((c) => codes.add(c));
  if (route?.hasRoles) GLOBAL_ERRORS.roles.forEach((c) => codes.add(c));

  const byStatus = new Map<number, string[]>();
  for (const code of [...codes].sort()) {
    for (const status of ERROR_CATALOGUE[code]?.statuses ?? [500]) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  op.responses ??= {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    if (op.responses[String(status)]) continue;
    const shared = Object.entries(SHARED_RESPONSES).find(([, r]) => r.status === status && r.codes().join() === list.join());
    op.responses[String(status)] = shared ? { $ref: `#/components/responses/${shared[0]}` } : errorResponse(status, list);
  }
}

/** Answers many operations share word for word, kept once under components/responses. */
const SHARED_RESPONSES: Record<string, { status: number; codes: () => string[] }> = {
  Unauthenticated: { status: 401, codes: () => GLOBAL_ERRORS.authenticated },
  Forbidden: { status: 403, codes: () => GLOBAL_ERRORS.roles },
  InvalidInput: { status: 400, codes: () => WITH_INPUT },
  InvalidBody: { status: 400, codes: () => [...WITH_INPUT, 'MALFORMED_REQUEST'].sort() },
  PayloadTooLarge: { status: 413, codes: () => ['PAYLOAD_TOO_LARGE'] },
  TooManyRequests: { status: 429, codes: () => PUBLIC },
  InternalError: { status: 500, codes: () => ['INTERNAL_ERROR'] },
  ServiceUnavailable: { status: 503, codes: () => ['SERVICE_UNAVAILABLE'] },
};

function errorResponse(status: number, codes: string[]) {
  return {
    description: `${REASONS[status] ?? 'Error'}: ${codes.join(', ')}`,
    ...(status === 429 || status === 503
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } } }
      : {}),
    content: {
      'application/json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/ErrorBody' }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }],
        },
      },
    },
  };
}
