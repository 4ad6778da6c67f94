/**
 * The result of a finished flow, field for field as the public Nylas documentation defines
 * `ConnectResult` for `NylasConnect.callback()`.
 */
export interface ConnectResult {
  accessToken: string;
  /** When the access token expires, in Unix milliseconds. */
  expiresAt: number;
  grantId: string;
  /** Claims of the ID token about the connected account. */
  grantInfo?: GrantInfo;
  idToken: string;
  /** Granted scopes, space separated. */
  scope: string;
}

/** The connected account, from the ID token's claims, as the public Nylas documentation defines `GrantInfo`. */
export interface GrantInfo {
  email: string;
  emailVerified?: boolean;
  familyName?: string;
  givenName?: string;
  /** The grant id (the ID token's `sub`). */
  id: string;
  name?: string;
  /** URL of the account's picture. */
  picture?: string;
  provider: string;
}
