import { Type, type Static } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../errors.js';

export const StreamQuery = Type.Object(
  {
    cluster: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 99_999 }), { maxItems: 100, description: 'Clusters to receive (repeat the parameter for several)' }),
    ),
    lang: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, description: 'Language labels to receive (repeat for several)' }),
    ),
  },
  { additionalProperties: false },
);
export type StreamQueryT = Static<typeof StreamQuery>;

export const streamRoute = {
  tags: ['stream'],
  summary: 'Server-Sent Events of the live stream, filtered by cluster and/or language label',
  description: [
    'Events: `hello` (filter and model version, once), `tweet` (one per matching record: cluster, label, distance, text,',
    'lang, id, time, receivedAt, modelVersion), `skipped` (the client fell behind and skipped `dropped` events),',
    '`end` (the server is shutting down). Comment lines (`: hb`) are heartbeats. With no filter every record is sent;',
    'with both `cluster` and `lang` a record matching either is sent. A client that stays behind too long is disconnected.',
  ].join(' '),
  querystring: StreamQuery,
  produces: ['text/event-stream'],
  response: {
    200: Type.String({ description: 'text/event-stream' }),
    ...errorReplies(400, 429, 503),
  },
};
