import { EsiaConfig, EsiaTokenAlgorithm, esiaIssuerFor } from '../../config/app-config';
import { EsiaTokenFailure } from './esia-token-verifier';
import { ConnectionTestProblem } from './identity-provider';
import { SkippedCertificate, TrustedTokenCertificate } from './token-certificates';
import { TokenRefusalRecord } from './token-refusals';

/** The pure checks of the admin's "test connection" (docs/esia.md "Test connection"). */
export interface CheckOutcome {
  ok: boolean;
  detail: string;
  problem?: ConnectionTestProblem;
}

/** ESIA_ISSUER against the issuer the known ESIA environments (production, test stand) put into their tokens. */
export function checkIssuer(c: Pick<EsiaConfig, 'baseUrl' | 'issuer'>): CheckOutcome {
  const expected = esiaIssuerFor(c.baseUrl);
  if (expected !== null && expected !== c.issuer) {
    return {
      ok: false,
      problem: 'wrong_issuer',
      detail: `ESIA_ISSUER = ${c.issuer}, а ЕСИА по адресу ${c.baseUrl} выдаёт токены с издателем ${expected}: каждый вход будет отклонён (wrong_issuer)`,
    };
  }
  return {
    ok: true,
    detail:
      expected !== null
        ? `Издатель токенов ${c.issuer} соответствует адресу ЕСИА`
        : `Ожидаемый издатель токенов ${c.issuer} (адрес ЕСИА не промышленный и не тестовый стенд)`,
  };
}

/**
 * The trusted certificates as loaded (or the error loading them): every allowed algorithm needs at
 * least one certificate valid today; files that are not usable certificates are named.
 */
export function checkTrustedCertificates(
  loaded: { certificates: TrustedTokenCertificate[]; skipped: SkippedCertificate[] } | unknown,
  algorithms: readonly EsiaTokenAlgorithm[],
  now: Date,
): CheckOutcome {
  if (!loaded || typeof loaded !== 'object' || !('certificates' in loaded) || !('skipped' in loaded)) {
    return {
      ok: false,
      problem: 'certificate_unreadable',
      detail: `Сертификаты ЕСИА не загружены: ${loaded instanceof Error ? loaded.message : String(loaded)}`,
    };
  }
  const { certificates, skipped } = loaded as { certificates: TrustedTokenCertificate[]; skipped: SkippedCertificate[] };
  const t = now.getTime();
  const problems: Array<[ConnectionTestProblem, string]> = [];
  const parts: string[] = [];
  for (const alg of algorithms) {
    const own = certificates.filter((x) => x.alg === alg);
    const valid = own.filter((x) => x.validFrom.getTime() <= t && t <= x.validTo.getTime());
    if (own.length === 0)
      problems.push([
        'no_certificate_for_algorithm',
        `нет сертификата для ${alg} (возьмите его из esia.zip или уберите ${alg} из ESIA_TOKEN_ALGORITHMS)`,
      ]);
    else if (valid.length === 0)
      problems.push(['certificate_expired', `все сертификаты ${alg} (${own.length}) просрочены или ещё не действуют`]);
    else
      parts.push(
        `${alg}: ${own.length}, действующих ${valid.length} (до ${new Date(Math.max(...valid.map((x) => x.validTo.getTime()))).toISOString().slice(0, 10)})`,
      );
  }
  for (const s of skipped) problems.push(['certificate_unreadable', `${s.source} не годится: ${s.reason}`]);
  const unused = certificates.filter((x) => !algorithms.includes(x.alg));
  if (unused.length > 0) parts.push(`не используются (алгоритм не разрешён): ${unused.map((x) => x.source).join(', ')}`);
  const detail = [...problems.map(([, text]) => text), ...parts].join('; ');
  return problems.length > 0
    ? { ok: false, problem: problems[0][0], detail: `Сертификаты ЕСИА: ${detail}` }
    : { ok: true, detail: `Сертификаты ЕСИА для проверки токенов: ${detail}` };
}

const ALGORITHM_REASONS: ReadonlySet<EsiaTokenFailure> = new Set([
  'alg_none',
  'unsupported_alg',
  'alg_not_allowed',
  'no_certificate_for_alg',
]);

/** The admin's reading of a recorded token refusal. */
export function describeRefusal(
  r: TokenRefusalRecord,
  c: Pick<EsiaConfig, 'issuer' | 'tokenAlgorithms'>,
): { problem: ConnectionTestProblem; detail: string } {
  const when = `Последний отказ ${r.at.slice(0, 16).replace('T', ' ')} UTC`;
  if (r.reason === 'wrong_issuer') {
    return {
      problem: 'wrong_issuer',
      detail: `${when}: токен ЕСИА выдан издателем ${r.iss ?? '(нет iss)'}, а ожидается ${c.issuer} (ESIA_ISSUER)`,
    };
  }
  if (ALGORITHM_REASONS.has(r.reason)) {
    const why =
      r.reason === 'no_certificate_for_alg'
        ? 'но нет сертификата ЕСИА этого алгоритма (ESIA_TRUSTED_CERTS)'
        : `а разрешены ${c.tokenAlgorithms.join(', ')} (ESIA_TOKEN_ALGORITHMS)`;
    return {
      problem: 'wrong_algorithm',
      detail: `${when}: токен ЕСИА подписан алгоритмом ${r.alg ?? '(нет alg)'}, ${why}; алгоритм задаётся для системы на технологическом портале ЕСИА`,
    };
  }
  if (r.reason === 'bad_signature') {
    return {
      problem: 'bad_signature',
      detail: `${when}: подпись токена ЕСИА (${r.alg ?? '?'}) не проверяется ни одним сертификатом ESIA_TRUSTED_CERTS — вероятно, ЕСИА сменила сертификат: возьмите новый из esia.zip`,
    };
  }
  return { problem: 'token_rejected', detail: `${when}: токен ЕСИА отклонён (${r.reason})` };
}
