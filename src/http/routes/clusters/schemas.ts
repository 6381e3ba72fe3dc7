import { Type, type Static } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../errors.js';
import { Nullable } from '../../schemas.js';

export const ClustersQuery = Type.Object(
  {
    top: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 10, description: 'Top n-grams per cluster' })),
    samples: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 3, description: 'Training samples per cluster' })),
  },
  { additionalProperties: false },
);
export type ClustersQueryT = Static<typeof ClustersQuery>;

export const ClusterView = Type.Object({
  cluster: Type.Integer(),
  weight: Type.Number({ description: 'Points the cluster stands for (training counts, then decayed streaming weights)' }),
  label: Nullable(Type.String()),
  labelShare: Nullable(Type.Number({ description: "Share of the cluster's labelled training texts in its majority language" })),
  topTerms: Type.Array(Type.Object({ term: Type.String(), weight: Type.Number() }), { description: 'Heaviest n-grams of the center (bigrams and unigrams)' }),
  samples: Type.Array(Type.String(), { description: 'Training texts of the cluster' }),
  recent: Type.Array(
    Type.Object({ text: Type.String(), label: Nullable(Type.String()), lang: Type.Optional(Type.String()), time: Type.Number() }),
    { description: 'Last texts the live stream put in this cluster, newest last' },
  ),
});

export const ClustersReply = Type.Object({
  modelVersion: Type.Integer(),
  clusters: Type.Array(ClusterView),
});

export const clustersRoute = {
  tags: ['model'],
  summary: 'Each cluster: weight, label, top n-grams, training samples and recent texts from the live stream',
  querystring: ClustersQuery,
  response: { 200: ClustersReply, ...errorReplies(400) },
};
