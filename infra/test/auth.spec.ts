import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resources, synth } from './helpers';

describe('auth: Cognito', () => {
  const s = synth();
  const j = s.json('auth');
  const pool = resources(j, 'AWS::Cognito::UserPool')[0][1];
  const client = resources(j, 'AWS::Cognito::UserPoolClient')[0][1];

  test('email is the username and is verified', () => {
    assert.deepEqual(pool.Properties.UsernameAttributes, ['email']);
    assert.deepEqual(pool.Properties.AutoVerifiedAttributes, ['email']);
    assert.ok(pool.Properties.Schema.some((a: any) => a.Name === 'email' && a.Required === true));
    assert.equal(pool.Properties.UsernameConfiguration.CaseSensitive, false);
  });

  test('the password policy the API promises: 12+ with upper, lower, digit, symbol', () => {
    const p = pool.Properties.Policies.PasswordPolicy;
    assert.equal(p.MinimumLength, 12);
    assert.equal(p.RequireUppercase, true);
    assert.equal(p.RequireLowercase, true);
    assert.equal(p.RequireNumbers, true);
    assert.equal(p.RequireSymbols, true);
  });

  test('the pool is kept: deletion protection, retained on stack delete', () => {
    assert.equal(pool.Properties.DeletionProtection, 'ACTIVE');
    assert.equal(pool.DeletionPolicy, 'Retain');
  });

  test('one app client: USER_PASSWORD_AUTH and refresh, no secret, revocable tokens', () => {
    assert.equal(resources(j, 'AWS::Cognito::UserPoolClient').length, 1);
    const p = client.Properties;
    assert.deepEqual([...p.ExplicitAuthFlows].sort(), ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
    assert.equal(p.GenerateSecret, false);
    assert.equal(p.EnableTokenRevocation, true);
    assert.equal(p.PreventUserExistenceErrors, 'ENABLED');
    assert.equal(p.RefreshTokenValidity, s.config.auth.refreshTokenDays * 24 * 60);
    assert.equal(p.TokenValidityUnits.RefreshToken, 'minutes');
  });
});
