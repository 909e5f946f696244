// A real OpenID Connect provider for the single sign-on tests: the certified `oidc-provider`
// package on 127.0.0.1 and a free port, with one client (tertial / tertial-secret), test
// people with groups and verified or unverified addresses, and a way to make it misbehave.
//
//   REDIRECT_URIS=http://127.0.0.1:1234/logga-in/sso/klar \
//   POST_LOGOUT_REDIRECT_URIS=http://127.0.0.1:1234/logga-in node e2e/oidc/provider.mjs
//
// prints its issuer URL on the first line of standard output and runs until killed (or its
// standard input closes, so it never outlives the test that started it).
//
// Sign in with any password as one of the logins in PEOPLE. GET /__admin/mode/NAME changes
// what the token endpoint answers from then on:
//   normal       as issued
//   audience     the ID token issued for another client (re-signed with the real key)
//   issuer       the ID token naming another issuer (re-signed with the real key)
//   expired      the ID token expired an hour ago (re-signed with the real key)
//   tamper       one byte of the signature changed
//   unknown-kid  signed with a key the provider does not publish
//   rotate       signed with a second key, which the JWKS publishes from now on
//   replay       the ID token of the previous exchange, instead of this one's
// GET /__admin/stats says how often the keys (JWKS) were fetched.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const PEOPLE = {
  'ny-samordnare': {
    email: 'ny.samordnare@exempelstad.se', email_verified: true,
    name: 'Nora Samordnare', groups: ['samordnare', 'alla-anstallda'],
  },
  'ny-rapportor': {
    email: 'ny.rapportor@exempelstad.se', email_verified: true,
    name: 'Rasmus Rapportör', groups: ['sdn-skarholmen', 'alla-anstallda'],
  },
  skarholmen: {
    email: 'skarholmen@example.se', email_verified: true,
    name: 'Skärholmens rapportör', groups: ['sdn-skarholmen'],
  },
  overifierad: {
    email: 'bromma@example.se', email_verified: false,
    name: 'Overifierad Person', groups: ['sdn-bromma'],
  },
  'utan-grupp': {
    email: 'utan.grupp@exempelstad.se', email_verified: true,
    name: 'Utan Grupp', groups: ['kafferummet'],
  },
};

const list = (name) => (process.env[name] || '').split(',').filter(Boolean);

function rsaKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const { d, p, q, dp, dq, qi, ...publicJwk } = jwk;
  return { privateKey, jwk, publicJwk };
}
const current = rsaKey('a');
const next = rsaKey('b');
const stranger = rsaKey('stranger');

const b64 = (value) => Buffer.from(value).toString('base64url');
const parts = (token) => token.split('.').map((part, i) => (i < 2 ? JSON.parse(Buffer.from(part, 'base64url')) : part));

/** Signs `payload` as an RS256 JWT with `key`. */
function signed(payload, key) {
  const header = b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.jwk.kid }));
  const body = b64(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key.privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

let mode = 'normal';
let rotated = false;
let lastIdToken = null;
let jwksFetches = 0;

/** The ID token as the current mode wants it. */
function misbehave(idToken) {
  const [, payload, signature] = parts(idToken);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'audience': return signed({ ...payload, aud: 'another-client' }, current);
    case 'issuer': return signed({ ...payload, iss: 'http://127.0.0.1:1' }, current);
    case 'expired': return signed({ ...payload, iat: now - 7200, exp: now - 3600 }, current);
    case 'tamper': {
      const bytes = Buffer.from(signature, 'base64url');
      bytes[10] ^= 0x55;
      return `${idToken.split('.').slice(0, 2).join('.')}.${bytes.toString('base64url')}`;
    }
    case 'unknown-kid': return signed(payload, stranger);
    case 'rotate': return signed(payload, next);
    case 'replay': return lastIdToken ?? idToken;
    default: return idToken;
  }
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'tertial',
      client_secret: 'tertial-secret',
      redirect_uris: list('REDIRECT_URIS'),
      post_logout_redirect_uris: list('POST_LOGOUT_REDIRECT_URIS'),
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    jwks: { keys: [current.jwk] },
    findAccount: async (ctx, id) => PEOPLE[id] && {
      accountId: id,
      claims: async () => ({ sub: id, ...PEOPLE[id] }),
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    // The claims of the scopes asked for go in the ID token itself, as Entra ID and
    // Keycloak put them there.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // Tertial is the organisation's own application: no consent screen.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    cookies: { keys: [createHash('sha256').update(issuer).digest('hex')] },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  });

  provider.use(async (ctx, nextMiddleware) => {
    if (ctx.path.startsWith('/__admin/mode/')) {
      mode = ctx.path.slice('/__admin/mode/'.length);
      if (mode === 'rotate') rotated = true;
      ctx.body = { mode };
      return;
    }
    if (ctx.path === '/__admin/stats') {
      ctx.body = { jwksFetches, mode };
      return;
    }
    await nextMiddleware();
    if (ctx.path === '/jwks') {
      jwksFetches += 1;
      if (rotated) ctx.body = { keys: [...ctx.body.keys, next.publicJwk] };
    }
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const issued = ctx.body.id_token;
      ctx.body = { ...ctx.body, id_token: misbehave(issued) };
      if (mode === 'normal') lastIdToken = issued;
    }
  });

  server.on('request', provider.callback());
  process.stdout.write(`${issuer}\n`);
});

// Stop with the test: when the parent closes our standard input.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
