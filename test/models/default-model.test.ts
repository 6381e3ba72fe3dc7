import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES, DEFAULT_MODEL_PATH, DEFAULT_TRAIN, SAMPLE_STREAM_PATH } from '../../src/config.js';
import { modelLabels } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { loadModel } from '../../src/store/model-store.js';
import { KNOWN_LANGUAGES, knownLanguageSentences, otherLanguages, udhrSentences } from '../../training/udhr.js';
import { describeShared, TRAIN_JSONL } from '../helpers/data.js';

describe('the bundled default model', async () => {
  const model = await loadModel(DEFAULT_MODEL_PATH);
  const predictor = new Predictor(model);

  it('is small, labels the 20 known languages, and was built with the current defaults', () => {
    expect(statSync(DEFAULT_MODEL_PATH).size).toBeLessThan(4_000_000);
    expect(modelLabels(model)).toEqual([...KNOWN_LANGUAGES]);
    // rebuild with `npm run model:default` when src/config.ts defaults change
    expect(model.features).toEqual({ ...DEFAULT_FEATURES });
    expect(model.unknown).toEqual({ ...DEFAULT_TRAIN.unknown });
    expect(model.training?.seeding).toEqual(DEFAULT_TRAIN.seeding);
    expect(model.training?.augment).toEqual(DEFAULT_TRAIN.augment ?? undefined);
    expect(model.training?.knownLanguages).toEqual([...KNOWN_LANGUAGES]);
  });

  it('labels udhr sentences of a handful of languages correctly', async () => {
    let correct = 0;
    let total = 0;
    for (const lang of ['eng', 'spa', 'por', 'ita', 'deu', 'rus', 'ukr', 'arb', 'pes', 'jpn', 'cmn', 'hin']) {
      const sentences = (await knownLanguageSentences(lang)).slice(10, 30);
      const ok = sentences.filter((s) => predictor.predict(s).label === lang).length;
      // legal prose of Spanish sits close to its Asturian and Ladino translations (unknown-language centers)
      expect(ok, lang).toBeGreaterThanOrEqual(15);
      correct += ok;
      total += sentences.length;
    }
    expect(correct / total).toBeGreaterThan(0.9);
  });

  it('says unknown for scripts and languages outside the 20', async () => {
    const catalog = new Map((await otherLanguages()).map((d) => [d.iso6393, d.code]));
    for (const lang of ['ell', 'heb', 'kat', 'swe', 'fin', 'hun']) {
      const sentences = (await udhrSentences([catalog.get(lang)!])).slice(0, 20);
      const unknown = sentences.filter((s) => predictor.predict(s).label === null).length;
      expect(unknown, lang).toBeGreaterThanOrEqual(16);
    }
  });

  it('says unknown for texts without letters or too short, not a guess', () => {
    for (const t of ['😂😂😂', '@user https://t.co/abc123', 'RT @user: 🔥🔥', '#1 !!!', 'ok', 'jaj', '2024-05-01 12:00']) {
      expect(predictor.predict(t).label, t).toBeNull();
    }
  });

  it('labels informal tweets of the languages it has no tweet of (written for this test)', () => {
    // train.jsonl has tweets in arb deu eng fra ita por spa only: these 13 languages were trained on sentences
    const tweets: Array<[string, string]> = [
      ['nld', 'Haha echt niet normaal hoe koud het vandaag is'],
      ['ind', 'Aku capek bgt hari ini, besok aja ya @user'],
      ['tgl', 'Hahaha ang kulit mo talaga, sige na nga 😂'],
      ['tur', 'Bu maçı kaçırmam, akşam görüşürüz @user'],
      ['pol', 'Nie mogę się doczekać weekendu, w końcu odpoczynek!'],
      ['pes', 'این فیلم واقعا عالی بود، حتما ببینید'],
      ['ukr', 'Ну що, хто йде сьогодні на концерт? 🎸'],
      ['rus', 'блин, опять дождь, никуда не пойду сегодня'],
      ['hin', 'यार आज बहुत गर्मी है, बाहर मत जाना 😅'],
      ['kor', '오늘 진짜 너무 피곤하다 ㅋㅋㅋ 내일 보자'],
      ['tha', 'วันนี้ร้อนมากเลย ไม่อยากออกไปไหนเลย'],
      ['cmn', '今天天气太好了，我们去公园玩吧 😊'],
      ['jpn', '今日は本当に疲れたー、早く寝たいな'],
    ];
    const wrong = tweets.filter(([lang, t]) => predictor.predict(t).label !== lang).map(([lang]) => lang);
    expect(wrong.length, `wrong: ${wrong.join(', ')}`).toBeLessThanOrEqual(1);
  });

  it('reads tweets without their hashtags: hashtags alone carry no feature', () => {
    expect(predictor.predict('#MasterChefBR #TheNoite #ThrowbackThursday')).toMatchObject({ cluster: null, label: null });
    expect(predictor.predict('Que saudade de vocês, amanhã a gente se vê #TheVoiceBrasil #ThrowbackThursday').label).toBe('por');
  });

  it('labels decorated tweets by their words', () => {
    expect(predictor.predict('RT @maria_g: Todos los seres humanos nacen libres e iguales en dignidad 🙏 #Derechos https://t.co/xyz').label).toBe('spa');
    expect(predictor.predict('@user Все люди рождаются свободными и равными в своем достоинстве 😊').label).toBe('rus');
  });
});

describe('the bundled sample stream', () => {
  const lines = readFileSync(SAMPLE_STREAM_PATH, 'utf8').trimEnd().split('\n');
  const records = lines.map((l) => JSON.parse(l) as { id: string; text: string; lang: string; created_at: string });

  it('is under 1 MB of tweet-like records in time order', () => {
    expect(statSync(SAMPLE_STREAM_PATH).size).toBeLessThan(1_000_000);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual(['created_at', 'id', 'lang', 'text']);
      expect(r.text.length).toBeGreaterThan(0);
    }
    const times = records.map((r) => Date.parse(r.created_at));
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  it('covers the 20 languages, some unknown ones and texts without language, decorated like tweets', () => {
    const langs = new Set(records.map((r) => r.lang));
    for (const l of KNOWN_LANGUAGES) expect(langs).toContain(l);
    expect(langs).toContain('und');
    expect([...langs].filter((l) => l !== 'und' && !KNOWN_LANGUAGES.includes(l)).length).toBeGreaterThanOrEqual(5);
    const share = (re: RegExp) => records.filter((r) => re.test(r.text)).length / records.length;
    expect(share(/(^|\s)#[\p{L}]/u)).toBeGreaterThan(0.2);
    expect(share(/@\w/)).toBeGreaterThan(0.2);
    expect(share(/https:\/\/t\.co\//)).toBeGreaterThan(0.2);
    expect(share(/^RT @/)).toBeGreaterThan(0.05);
    expect(share(/\p{Extended_Pictographic}/u)).toBeGreaterThan(0.2);
  });
});

describeShared('the bundled files hold no text of the shared data set', () => {
  it('neither model samples nor sample stream texts come from train.jsonl', async () => {
    const shared = new Set(readFileSync(TRAIN_JSONL, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { text: string }).text));
    const model = await loadModel(DEFAULT_MODEL_PATH);
    const samples = model.samples.flat();
    expect(samples.length).toBeGreaterThan(40);
    for (const t of samples) expect(shared.has(t), t).toBe(false);
    const stream = readFileSync(SAMPLE_STREAM_PATH, 'utf8');
    for (const t of [...shared].slice(0, 2000)) expect(stream.includes(JSON.stringify(t).slice(1, -1))).toBe(false);
  });
});
