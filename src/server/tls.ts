/**
 * TLS listeners: the same protocol as the plain port, over Node's `tls` (OpenSSL underneath, as
 * Redis' tls.c). A socket reaches the server's ordinary accept path only once its handshake is
 * done, so admission (maxclients, protected mode), requirepass and every limit apply unchanged.
 *
 * Client certificates follow `tls-auth-clients`:
 * - yes: the handshake fails without a certificate that chains to tls-ca-cert-file (OpenSSL's
 *   verify-peer + fail-if-no-peer-cert, Redis' default);
 * - optional: a client may come without a certificate, but one it offers must verify;
 * - no: no certificate is asked for.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { ServerConfig } from '../config/config.js';

/** A TLS setup problem; its message names the directive and file so the fix is obvious. */
export class TlsConfigError extends Error {}

function readPem(directive: string, file: string): Buffer {
  if (file === '') throw new TlsConfigError(`TLS is enabled (tls-port) but ${directive} is not set`);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TlsConfigError(`Failed to load ${directive} ${file}: ${(err as Error).message}`);
  }
}

/** The options for tls.createServer from the configuration; throws TlsConfigError when unusable. */
export function tlsServerOptions(config: ServerConfig): tls.TlsOptions {
  const cert = readPem('tls-cert-file', config.tlsCertFile);
  const key = readPem('tls-key-file', config.tlsKeyFile);
  const verifyClients = config.tlsAuthClients !== 'no';
  if (verifyClients && config.tlsCaCertFile === '') {
    throw new TlsConfigError('tls-ca-cert-file must be specified when tls-auth-clients is yes or optional');
  }
  const ca = config.tlsCaCertFile === '' ? undefined : readPem('tls-ca-cert-file', config.tlsCaCertFile);
  const options: tls.TlsOptions = {
    cert,
    key,
    ca,
    requestCert: verifyClients,
    // 'optional' lets a certificate-less client finish the handshake; acceptTlsClient() then
    // refuses one whose offered certificate did not verify.
    rejectUnauthorized: config.tlsAuthClients === 'yes',
    minVersion: 'TLSv1.2',
  };
  try {
    // Fails here, at startup, on a key that does not match the certificate or unparsable PEM.
    tls.createSecureContext(options);
  } catch (err) {
    throw new TlsConfigError(`Invalid TLS certificate/key (tls-cert-file ${config.tlsCertFile}, tls-key-file ${config.tlsKeyFile}): ${(err as Error).message}`);
  }
  return options;
}

/**
 * Whether a freshly handshaken socket may be served under the policy. Only 'optional' needs a
 * check here: 'yes' was enforced by the handshake and 'no' asks for nothing.
 */
export function acceptTlsClient(config: ServerConfig, socket: tls.TLSSocket): boolean {
  if (config.tlsAuthClients !== 'optional' || socket.authorized) return true;
  const offered = socket.getPeerCertificate();
  return offered === null || Object.keys(offered).length === 0;
}
