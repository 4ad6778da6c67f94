/** Sign-in names of the demo: 1 to 64 letters, digits, dots, underscores or hyphens. */
const USERNAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export const USERNAME_RULE = 'username must be 1 to 64 characters of letters, digits, ".", "_" or "-"';

/** Returns whether a value is an acceptable username. */
export function isValidUsername(value: unknown): value is string {
  return typeof value === 'string' && USERNAME_PATTERN.test(value);
}
