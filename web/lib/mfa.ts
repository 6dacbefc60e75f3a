// Two-factor sign-in's codes, for the login and the profile alike
import { ApiError } from './api';

export const CODE_RULE = 'The 6 digits your authenticator app shows now.';

export const codeProblem = (c: string) => (/^\d{6}$/.test(c.trim()) ? undefined : 'Enter the 6 digits your app shows.');

// a refused code beside its field, in words about the app (the API's
// invalid_code text speaks of an emailed code)
export const codeRefused = (e: unknown) =>
  e instanceof ApiError && e.code === 'invalid_code' ? 'That code is wrong or was used already. Enter the code your app shows now.' : undefined;
