/**
 * A fixed engine secret for tests, benchmarks and demos: 32 random bytes in
 * base64url, so it passes `createEngine`'s entropy check. Public by design;
 * never use it to protect real codes.
 */
export const TEST_SECRET = 'ui4GyR5n9ROJzhOxdhJaY273GDdtFqOCnl_EtSALNX8';

/** A second, different secret, for tests that compare two. */
export const OTHER_TEST_SECRET = 'Xq2vT8bKp4WmZc7nRy1dLf6gHs3jUa9eQw5tBx0kNo4';
