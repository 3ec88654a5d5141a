import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FcmSend {
  token: string | null;
  headers: IncomingHttpHeaders;
  message: Record<string, any>;
}

/**
 * A local stand-in for Google's OAuth token endpoint and FCM HTTP v1, speaking their protocols: a
 * service-account key file (fresh RSA key) whose token_uri points here; the token endpoint checks the
 * RS256 JWT assertion against that key and hands out `token-1`, `token-2`, …; the send endpoint
 * records each message with the bearer token it came with and answers what `respond` says.
 */
export interface FakeFcm {
  url: string;
  /** FCM_SERVICE_ACCOUNT_FILE */
  keyFile: string;
  projectId: string;
  /** Token requests answered (each a fresh token). */
  tokensIssued: number;
  /** Lifetime of the next tokens handed out, seconds. */
  expiresIn: number;
  /** Refuse token requests (invalid_grant), as Google does for a deleted key. */
  refuseTokens: boolean;
  sends: FcmSend[];
  respond: (send: FcmSend) => number;
  close(): Promise<void>;
}

const FCM_ERRORS: Record<number, { status: string; errorCode: string }> = {
  401: { status: 'UNAUTHENTICATED', errorCode: 'THIRD_PARTY_AUTH_ERROR' },
  404: { status: 'NOT_FOUND', errorCode: 'UNREGISTERED' },
  429: { status: 'RESOURCE_EXHAUSTED', errorCode: 'QUOTA_EXCEEDED' },
  500: { status: 'INTERNAL', errorCode: 'INTERNAL' },
};

export async function startFakeFcm(): Promise<FakeFcm> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'fake-fcm-'));
  const projectId = `diary-test-${randomBytes(3).toString('hex')}`;
  const clientEmail = `push@${projectId}.iam.gserviceaccount.com`;
  const fake: FakeFcm = {
    url: '',
    keyFile: join(dir, 'service-account.json'),
    projectId,
    tokensIssued: 0,
    expiresIn: 3600,
    refuseTokens: false,
    sends: [],
    respond: () => 200,
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const verifyAssertion = (jwt: string): boolean => {
    const [h, p, sig] = jwt.split('.');
    if (!h || !p || !sig) return false;
    const ok = createVerify('RSA-SHA256')
      .update(`${h}.${p}`)
      .verify(createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(sig, 'base64url'));
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    return ok && claims.iss === clientEmail && String(claims.scope).includes('firebase.messaging') && claims.exp > Date.now() / 1000;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'POST' && req.url === '/token') {
        const form = new URLSearchParams(body);
        if (
          fake.refuseTokens ||
          form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
          !verifyAssertion(form.get('assertion') ?? '')
        ) {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }));
          return;
        }
        fake.tokensIssued++;
        res.end(JSON.stringify({ access_token: `token-${fake.tokensIssued}`, expires_in: fake.expiresIn, token_type: 'Bearer' }));
        return;
      }
      if (req.method === 'POST' && req.url === `/v1/projects/${projectId}/messages:send`) {
        const auth = String(req.headers.authorization ?? '');
        const send: FcmSend = {
          token: auth.startsWith('Bearer ') ? auth.slice(7) : null,
          headers: req.headers,
          message: JSON.parse(body).message,
        };
        fake.sends.push(send);
        const status = fake.respond(send);
        res.statusCode = status;
        const err = FCM_ERRORS[status];
        res.end(
          JSON.stringify(
            status < 300
              ? { name: `projects/${projectId}/messages/${fake.sends.length}` }
              : {
                  error: {
                    code: status,
                    status: err?.status ?? 'INVALID_ARGUMENT',
                    details: [{ errorCode: err?.errorCode ?? 'INVALID_ARGUMENT' }],
                  },
                },
          ),
        );
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  writeFileSync(
    fake.keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: projectId,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: clientEmail,
      client_id: '1',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `${fake.url}/token`,
    }),
  );
  return fake;
}

/** The environment of an app that pushes to this stand-in. */
export const fakeFcmEnv = (f: FakeFcm): Record<string, string> => ({
  FCM_SERVICE_ACCOUNT_FILE: f.keyFile,
  FCM_ENDPOINT: `${f.url}/v1/projects/${f.projectId}/messages:send`,
});
