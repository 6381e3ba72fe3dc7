/**
 * Regenerates tweets.jsonl, the small synthetic tweet stream of the examples (deterministic):
 *   node --import tsx examples/data/make-tweets.ts > examples/data/tweets.jsonl
 * 600 short tweets in five languages; hashtag popularity drifts over the stream, so successive
 * windows of the top-hashtags example differ.
 */
import { createRng } from '../../src/linalg/random.js';

const TEXTS: Record<string, string[]> = {
  spa: ['Qué partido tan increíble esta noche', 'Mañana empieza el festival en la ciudad', 'No puedo creer lo que acaba de pasar', 'Buenos días a todos, feliz lunes'],
  eng: ['What a game tonight, unbelievable', 'The festival starts tomorrow downtown', 'Cannot believe what just happened', 'Good morning everyone, happy Monday'],
  por: ['Que jogo incrível hoje à noite', 'O festival começa amanhã na cidade', 'Não acredito no que acabou de acontecer', 'Bom dia a todos, feliz segunda'],
  fra: ['Quel match incroyable ce soir', 'Le festival commence demain en ville', "Je n'arrive pas à croire ce qui vient de se passer", 'Bonjour à tous, bon lundi'],
  deu: ['Was für ein unglaubliches Spiel heute Abend', 'Das Festival beginnt morgen in der Stadt', 'Ich kann nicht glauben, was gerade passiert ist', 'Guten Morgen allerseits, schönen Montag'],
};
const EARLY = ['#football', '#festival', '#monday', '#news', '#music'];
const LATE = ['#elections', '#football', '#weather', '#news', '#travel'];

const rng = createRng(2026);
const langs = Object.keys(TEXTS);
const lines: string[] = [];
for (let i = 0; i < 600; i++) {
  const lang = langs[rng.int(langs.length)];
  const pool = i < 300 ? EARLY : LATE;
  // Zipf-like: the first tags of the pool are the most frequent
  const tags = new Set<string>();
  const n = 1 + rng.int(2);
  while (tags.size < n) tags.add(pool[Math.min(pool.length - 1, Math.floor(rng.next() ** 2 * pool.length))]);
  const text = `${TEXTS[lang][rng.int(4)]} ${[...tags].join(' ')}`;
  lines.push(JSON.stringify({ id: `t${i}`, lang, text }));
}
process.stdout.write(lines.join('\n') + '\n');
