import { startEmulatorFromEnv } from 'nylas-emulator';

describe('startEmulatorFromEnv', () => {
  test('registers the client from the environment', async () => {
    const emulator = await startEmulatorFromEnv({
      EMULATOR_PORT: '0',
      NYLAS_CLIENT_ID: 'env-client',
      NYLAS_API_KEY: 'env-key',
      NYLAS_CALLBACK_URI: 'http://localhost:9999/cb',
    });
    try {
      const url = `${emulator.url}/v3/connect/auth?client_id=env-client&redirect_uri=${encodeURIComponent('http://localhost:9999/cb')}&response_type=code`;
      const location = await emulator.approve(url, { email: 'user@example.com' });
      expect(location).toMatch(/^http:\/\/localhost:9999\/cb\?code=/);
    } finally {
      await emulator.close();
    }
  });

  test('defaults to the demo client', async () => {
    const emulator = await startEmulatorFromEnv({ EMULATOR_PORT: '0' });
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const callback = 'http://localhost:3000/auth/nylas/callback';
      const url = `${emulator.url}/v3/connect/auth?client_id=demo-client-id&redirect_uri=${encodeURIComponent(callback)}&response_type=code`;
      expect((await fetch(url)).status).toBe(200);

      const grant = await fetch(`${emulator.url}/v3/grants/x`, { headers: { authorization: 'Bearer demo-api-key' } });
      expect(grant.status).toBe(404);
    } finally {
      await emulator.close();
    }
  });

  test.each(['abc', '-1', '70000', '1.5'])('rejects EMULATOR_PORT %s', async (port) => {
    await expect(startEmulatorFromEnv({ EMULATOR_PORT: port })).rejects.toThrow(/EMULATOR_PORT must be an integer/);
  });
});
