import type { APIGatewayTokenAuthorizerHandler } from 'aws-lambda';

// Allows any bearer token: the pitfall is where the authorizer sits, not what it decides.
export const handler: APIGatewayTokenAuthorizerHandler = async (event) => {
  if (!event.authorizationToken.startsWith('Bearer ')) throw new Error('Unauthorized');
  return {
    principalId: 'demo-user',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
    },
  };
};
