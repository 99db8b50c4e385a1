import { createAccount, createOperator, createUser, type KeyPair } from "@nats-io/nkeys";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A NATS operator/account/user trust chain for decentralised (JWT) auth, made the way `nsc`
 * makes it: ed25519-nkey signed JWTs, the account with JetStream enabled, and a `.creds` file for
 * the user. Enough to run nats-server in operator mode with a memory resolver in a test.
 */
export function jwtTrustChain(dir: string): { serverConfig: string; credsFile: string } {
  const operator = createOperator();
  const system = createAccount(); // operator mode with JetStream needs a system account
  const account = createAccount();
  const user = createUser();
  const operatorJwt = sign(operator, operator, {
    type: "operator",
    version: 2,
    system_account: system.getPublicKey(),
  });
  const systemJwt = sign(operator, system, {
    type: "account",
    version: 2,
    limits: {
      subs: -1,
      data: -1,
      payload: -1,
      imports: -1,
      exports: -1,
      wildcards: true,
      conn: -1,
      leaf: -1,
    },
  });
  const accountJwt = sign(operator, account, {
    type: "account",
    version: 2,
    limits: {
      subs: -1,
      data: -1,
      payload: -1,
      imports: -1,
      exports: -1,
      wildcards: true,
      conn: -1,
      leaf: -1,
      mem_storage: -1,
      disk_storage: -1,
      streams: -1,
      consumer: -1,
    },
    default_permissions: { pub: {}, sub: {} },
  });
  const userJwt = sign(account, user, {
    type: "user",
    version: 2,
    pub: {},
    sub: {},
    subs: -1,
    data: -1,
    payload: -1,
  });
  const credsFile = join(dir, "user.creds");
  writeFileSync(
    credsFile,
    `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n` +
      `************************* IMPORTANT *************************\n` +
      `NKEY Seed printed below can be used to sign and prove identity.\n\n` +
      `-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(user.getSeed())}\n------END USER NKEY SEED------\n`,
  );
  const serverConfig = `operator: ${operatorJwt}
system_account: ${system.getPublicKey()}
resolver: MEMORY
resolver_preload: {
  ${system.getPublicKey()}: ${systemJwt}
  ${account.getPublicKey()}: ${accountJwt}
}`;
  return { serverConfig, credsFile };
}

function sign(issuer: KeyPair, subject: KeyPair, nats: Record<string, unknown>): string {
  const header = b64({ typ: "JWT", alg: "ed25519-nkey" });
  const claims: Record<string, unknown> = {
    jti: "",
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    name: String(nats["type"]),
    sub: subject.getPublicKey(),
    nats,
  };
  // nsc uses the base32 SHA-512/256 of the claims as jti; any unique id is accepted.
  claims["jti"] = createHash("sha256")
    .update(JSON.stringify(claims))
    .digest("hex")
    .slice(0, 52)
    .toUpperCase();
  const body = b64(claims);
  const signature = Buffer.from(
    issuer.sign(new TextEncoder().encode(`${header}.${body}`)),
  ).toString("base64url");
  return `${header}.${body}.${signature}`;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
