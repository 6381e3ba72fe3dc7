import { Type, type Static } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../errors.js';
import { NoQuery, Nullable } from '../../schemas.js';

export interface PredictLimits {
  maxTexts: number;
  maxTextLength: number;
}

export const Prediction = Type.Object(
  {
    cluster: Nullable(Type.Integer({ minimum: 0, description: 'Nearest cluster; null when the text has no features (e.g. only spaces)' })),
    label: Nullable(Type.String({ description: "The cluster's language label; null when unknown (unlabelled cluster, too short, too far, ambiguous)" })),
    distance: Nullable(Type.Number({ description: 'Distance to the nearest center (cosine distance or euclidean, per the model)' })),
  },
  { additionalProperties: false },
);

export function predictSchemas({ maxTexts, maxTextLength }: PredictLimits) {
  const Text = Type.String({ minLength: 1, maxLength: maxTextLength, description: `A text, 1 to ${maxTextLength} characters (code points)` });
  const PredictBody = Type.Object(
    {
      text: Type.Optional(Text),
      texts: Type.Optional(Type.Array(Text, { minItems: 1, maxItems: maxTexts, description: `1 to ${maxTexts} texts` })),
    },
    { additionalProperties: false, description: 'Exactly one of `text` or `texts`', examples: [{ text: '¿Dónde está la biblioteca?' }] },
  );
  const PredictReply = Type.Object(
    {
      modelVersion: Type.Integer({ description: 'Version of the model that answered' }),
      predictions: Type.Array(Prediction, { description: 'One per text, in request order' }),
    },
    { additionalProperties: false },
  );
  return {
    PredictBody,
    PredictReply,
    route: {
      tags: ['predict'],
      summary: 'Cluster and language label of one or more texts',
      body: PredictBody,
      querystring: NoQuery,
      response: { 200: PredictReply, ...errorReplies(400, 413, 415, 429) },
    },
  };
}

export type PredictBodyT = Static<ReturnType<typeof predictSchemas>['PredictBody']>;
