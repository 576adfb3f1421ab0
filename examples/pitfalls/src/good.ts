import { withCors } from 'crossgate/lambda';

// Right: CORS headers on every answer, for the one origin the API allows.
export const handler = withCors(
  { origins: [process.env.APP_ORIGIN ?? 'http://localhost:5173'] },
  async () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [] }),
  }),
);
