import { Type, type Static } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../errors.js';
import { Nullable } from '../../schemas.js';

export const StatsQuery = Type.Object(
  { top: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Hashtags per cluster (default: all the pipeline keeps, 10)' })) },
  { additionalProperties: false },
);
export type StatsQueryT = Static<typeof StatsQuery>;

export const StatsReply = Type.Object({
  pipeline: Type.Union([Type.Literal('running'), Type.Literal('stopped'), Type.Literal('absent')], {
    description: 'State of the embedded pipeline; "absent" when the service runs without one (all counts are then 0)',
  }),
  windowMs: Type.Integer({ description: 'Window length' }),
  slideMs: Type.Integer({ description: 'How often the window moves' }),
  asOf: Type.Number({ description: 'End of the window (batch time, ms since epoch)' }),
  total: Type.Integer({ description: 'Records in the window' }),
  clusters: Type.Array(
    Type.Object({
      cluster: Type.Integer(),
      label: Nullable(Type.String()),
      count: Type.Integer(),
      topHashtags: Type.Array(Type.Object({ tag: Type.String(), count: Type.Integer() })),
    }),
  ),
});

export const statsRoute = {
  tags: ['stream'],
  summary: 'Tweets per cluster and top hashtags per cluster over the current window',
  querystring: StatsQuery,
  response: { 200: StatsReply, ...errorReplies(400) },
};
