import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// No CORS header here: the Function URL's Cors adds them beside whatever this returns.
const notes: string[] = ['hello'];

export const handler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2 | object> => {
  if (event.requestContext.http.method === 'POST') {
    const text = String(JSON.parse(event.body ?? '{}').text ?? '');
    notes.push(text);
    return {
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes }),
    };
  }
  // A bare object: Lambda answers 200 application/json with it as the body.
  return { notes };
};
