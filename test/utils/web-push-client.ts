import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';

/** A browser's side of a Web Push subscription: its keys (private part kept) and RFC 8291 decryption. */
export interface PushSubscriptionKeys {
  p256dh: string;
  auth: string;
  /** The payload of an aes128gcm push body sent to this subscription; throws if it was not encrypted for it. */
  decrypt(body: Buffer): string;
}

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

export function browserSubscriptionKeys(): PushSubscriptionKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const uaPublic = ecdh.getPublicKey();
  const authSecret = randomBytes(16);
  return {
    p256dh: uaPublic.toString('base64url'),
    auth: authSecret.toString('base64url'),
    decrypt(body: Buffer): string {
      // RFC 8188 header: salt(16) | rs(4) | idlen(1) | keyid (the application server's public key)
      const salt = body.subarray(0, 16);
      const idlen = body[20];
      const asPublic = body.subarray(21, 21 + idlen);
      const ciphertext = body.subarray(21 + idlen);
      const secret = ecdh.computeSecret(asPublic);
      // RFC 8291 §3.3-3.4
      const prkKey = hmac(authSecret, secret);
      const ikm = hmac(prkKey, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]));
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
      const end = padded.lastIndexOf(2); // last record: delimiter 0x02, then zero padding
      return padded.subarray(0, end).toString('utf8');
    },
  };
}
