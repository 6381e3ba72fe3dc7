/** Hand-written tweet-like texts in several languages, with hashtags, for dashboard and SSE tests. */
export const SAMPLE_TWEETS: Array<{ text: string; lang: string }> = [
  { lang: 'es', text: '¡Qué partidazo el de anoche! El Madrid remontó en el último minuto #futbol #LaLiga' },
  { lang: 'es', text: 'Mañana empieza la feria del libro en el parque, ¿quién se apunta? #libros' },
  { lang: 'es', text: 'No puedo creer que ya sea viernes otra vez, esta semana se me pasó volando #viernes' },
  { lang: 'es', text: 'Hoy cocinamos paella con mi abuela y quedó buenísima #domingo #familia' },
  { lang: 'en', text: 'Just finished the marathon, my legs are completely done but what a day #running' },
  { lang: 'en', text: 'Anyone else think the new season of the show was way better than expected? #TV' },
  { lang: 'en', text: 'Coffee first, then we talk about deadlines. That is the rule in this house #mondaymood' },
  { lang: 'en', text: 'The concert last night was unbelievable, the crowd sang every single word #music' },
  { lang: 'ja', text: '今日は友達と新しいラーメン屋に行ってきました。とても美味しかったです！ #ラーメン' },
  { lang: 'ja', text: '明日の天気が心配です。雨が降らないといいのですが。 #天気' },
  { lang: 'ja', text: 'やっと週末だ！映画を見に行く予定です。 #週末' },
  { lang: 'de', text: 'Heute endlich wieder Sonne in Berlin, ab in den Park mit den Kindern #Berlin #Sommer' },
  { lang: 'de', text: 'Die Bahn hat schon wieder Verspätung, ich komme zu spät zur Arbeit #Bahn' },
  { lang: 'pt', text: 'Que jogo incrível ontem à noite, o estádio estava lotado e a torcida cantou o tempo todo #futebol' },
  { lang: 'pt', text: 'Bom dia! Hoje o café da manhã foi pão de queijo com café coado #bomdia' },
  { lang: 'it', text: 'Stasera pizza con gli amici, non vedo l’ora di rivederli tutti #pizza #amici' },
  { lang: 'it', text: 'Che bella giornata al mare, il sole e il vento sono perfetti #estate' },
  { lang: 'tr', text: 'Bugün hava çok güzel, sahilde uzun bir yürüyüş yaptık #İstanbul' },
  { lang: 'ko', text: '오늘 날씨가 너무 좋아서 한강에서 산책했어요 #서울' },
  { lang: 'ar', text: 'صباح الخير للجميع، أتمنى لكم يوما سعيدا مليئا بالنجاح #صباح_الخير' },
  { lang: 'hi', text: 'आज मौसम बहुत अच्छा है, हम सब पार्क में क्रिकेट खेलने जा रहे हैं #क्रिकेट' },
  { lang: 'nl', text: 'Eindelijk weekend, we gaan fietsen langs de grachten van Amsterdam #Amsterdam' },
  { lang: 'pl', text: 'Dzisiaj w Krakowie piękna pogoda, idziemy na spacer nad Wisłę #Kraków' },
  { lang: 'th', text: 'วันนี้อากาศดีมาก ไปเที่ยวทะเลกับครอบครัว #ทะเล' },
];

/** The hashtags of a text, without '#', lowercased. */
export function hashtags(text: string): string[] {
  return [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1].toLowerCase());
}
