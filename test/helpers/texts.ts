/** A few short real sentences in two languages, for end-to-end tests with the bundled model. */
export const SPANISH = [
  'Hoy hace un día precioso para pasear por el parque con los niños',
  'No me puedo creer que el partido terminara empatado otra vez',
  'Mañana tenemos reunión a las nueve, no lleguéis tarde por favor',
  'Qué ganas tengo de que lleguen las vacaciones de verano',
  'El tren a Madrid sale con media hora de retraso',
  'Gracias a todos por venir a la presentación del libro',
  'La comida de mi abuela es la mejor del mundo entero',
  'Estoy aprendiendo a tocar la guitarra desde hace dos meses',
  'Se ha ido la luz en todo el barrio y no sabemos cuándo volverá',
  'Buenos días, ¿alguien sabe si hoy abre la biblioteca?',
  'Me encanta esta canción, no dejo de escucharla',
  'El ayuntamiento ha anunciado nuevas obras en la plaza mayor',
];

export const ENGLISH = [
  'Just finished my first marathon and I can barely walk',
  'The weather today is absolutely terrible, stay inside everyone',
  'Does anyone know a good place to get coffee near the station',
  'Our team shipped the new release this morning, thanks all',
  'I cannot believe how fast this year has gone by',
  'Watching the game tonight with friends, should be fun',
  'The new library downtown is open every day until nine',
  'Happy birthday to my wonderful sister, love you lots',
  'Traffic on the highway is backed up for miles right now',
  'Reading a great book about the history of the city',
  'We are hiring engineers who love building reliable systems',
  'Thanks for all the kind messages after the show last night',
];

export function corpus(n: number, prefix = 't'): Array<{ id: string; text: string; lang: string }> {
  const all = [...SPANISH.map((text) => ({ text, lang: 'es' })), ...ENGLISH.map((text) => ({ text, lang: 'en' }))];
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, ...all[i % all.length], text: `${all[i % all.length].text} ${i}` }));
}
