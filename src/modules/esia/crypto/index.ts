export * from './certificate';
export * from './concurrency-limited-signer';
export * from './encoding';
export * from './esia-signing-strings';
export * from './gost-verify';
export * from './openssl';
export * from './openssl-gost-signer';
export * from './signer';

export * from './cryptopro-csp-signer';
