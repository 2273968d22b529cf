// A real OpenID provider for handle-docs' single sign-on tests: panva's oidc-provider (pinned by
// package-lock.json), on 127.0.0.1 and a free port, with one client (code flow, PKCE, client_secret_basic, the
// test workspace's redirect address), test users (the login name is the subject) read from a JSON file at every sign-in (so a test can take a
// role away between two sign-ins) and the provider's own login form (devInteractions: any password).
//
//   node provider.js USERS.json CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// USERS.json: {"<anything>": {"sub": "...", "name": "...", "email": "...", "roles": ["..."]}}
// Prints one line, {"issuer": "http://127.0.0.1:PORT"}, once it listens.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [usersFile, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: node provider.js USERS.json CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}

function users() {
  return JSON.parse(readFileSync(usersFile, 'utf8'));
}

function bySub(id) {
  return Object.values(users()).find((u) => u.sub === id);
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub', 'roles'], profile: ['name'], email: ['email'] }, // roles always, as Entra's app roles
    conformIdTokenClaims: false, // the roles claim in the ID token, as Entra ID puts app roles there
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['handle-docs test provider only'] },
    // The login form's name is the account id, which is the subject: type a test user's sub.
    async findAccount(ctx, id) {
      const user = bySub(id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          const now = bySub(id); // the file as it is now: a role taken away counts at once
          return { sub: now.sub, name: now.name, email: now.email, roles: now.roles };
        },
      };
    },
    // A first-party application (as with an Entra admin consent): no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!ctx.oidc.session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());
  process.stdout.write(JSON.stringify({ issuer }) + '\n');
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
