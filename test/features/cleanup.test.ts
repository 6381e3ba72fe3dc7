import { describe, expect, it } from 'vitest';
import { applyCleanup, cleanTweet, countLetters } from '../../src/features/cleanup.js';

describe('cleanTweet', () => {
  it('drops URLs, including the clipped "http" and "https…" that truncated tweets end with', () => {
    expect(cleanTweet('Mira esto https://t.co/AbC123 y esto www.example.com/x')).toBe('Mira esto y esto');
    expect(cleanTweet('Développement Durable : le défi de la... http')).toBe('Développement Durable : le défi de la...');
    expect(cleanTweet('leia mais https…')).toBe('leia mais');
    // a word that merely contains "http" stays
    expect(cleanTweet('httpd logs')).toBe('httpd logs');
  });

  it('drops @mentions and the @USER / @user placeholders of anonymised corpora', () => {
    expect(cleanTweet('@USER @user merci beaucoup @jean_dupont2')).toBe('merci beaucoup');
    expect(cleanTweet('@Müller_Zoë danke')).toBe('danke');
  });

  it('drops RT markers but not words that contain RT', () => {
    expect(cleanTweet('RT @user: Buongiorno a tutti')).toBe('Buongiorno a tutti');
    expect(cleanTweet('RT: hola')).toBe('hola');
    expect(cleanTweet('ART and RTL')).toBe('ART and RTL');
  });

  it('keeps the word of a hashtag and drops the #', () => {
    expect(cleanTweet('Vamos #FelizDomingo #2024')).toBe('Vamos FelizDomingo 2024');
    expect(cleanTweet('# alone')).toBe('# alone');
  });

  it('drops hashtags whole when asked (mode tweet-nohashtags), the # of a lone # stays', () => {
    expect(cleanTweet('Vamos #FelizDomingo #2024 ya', true)).toBe('Vamos ya');
    expect(cleanTweet('#biodiversité Les îles #M5S_x, ok #ريال_مدريد', true)).toBe('Les îles , ok');
    expect(cleanTweet('# alone #', true)).toBe('# alone #');
    // entities decode first; a link's fragment goes with the link
    expect(cleanTweet('l&#39;été #été https://x.y/#top fin', true)).toBe("l'été fin");
    expect(applyCleanup('RT @x: Bom DIA #MasterChefBR 🔥', 'tweet-nohashtags', true)).toBe('bom dia');
    // a mark after the # belongs to the hashtag (HASH keeps a # before a mark, HASHTAG takes it)
    expect(cleanTweet('a #\u0301b c', true)).toBe('a c');
    expect(cleanTweet('a #\u0301b c')).toBe('a #\u0301b c');
    expect(cleanTweet('##x y', true)).toBe('# y');
  });

  it('drops emoji, skin tones, joiners, variation selectors and other symbols', () => {
    expect(cleanTweet('Bravo 👏🏽👏🏽 ❤️ 👨‍👩‍👧 ok ✔')).toBe('Bravo ok');
    expect(cleanTweet('😂😂😂')).toBe('');
  });

  it('decodes HTML entities, named and numeric', () => {
    expect(cleanTweet('Tom &amp; Jerry &lt;3 &quot;ok&quot; l&#39;amour l&apos;été')).toBe('Tom & Jerry <3 "ok" l\'amour l\'été');
    expect(cleanTweet('&#8220;Oui&#8221; &#x201C;non&#x201D;')).toBe('“Oui” “non”');
    // an entity that decodes to an emoji is then dropped like any emoji
    expect(cleanTweet('top &#x1F600;')).toBe('top');
    expect(cleanTweet('a&nbsp;b')).toBe('a b');
  });

  it('collapses whitespace and trims', () => {
    expect(cleanTweet('  uno\n\tdos   tres  ')).toBe('uno dos tres');
  });

  it('leaves nothing of a tweet made only of mentions, links and emoji', () => {
    expect(cleanTweet('@user https://t.co/x 🔥 RT')).toBe('');
  });
});

describe('applyCleanup and countLetters', () => {
  it('lowercases after clean-up when asked', () => {
    expect(applyCleanup('RT @X: ¡HOLA Mundo!', 'tweet', true)).toBe('¡hola mundo!');
    expect(applyCleanup('RT @X: ¡HOLA!', 'none', false)).toBe('RT @X: ¡HOLA!');
    expect(applyCleanup('RT @x: Bom DIA #MasterChefBR 🔥', 'tweet', true)).toBe('bom dia masterchefbr');
  });

  it('counts letters of any script, combining marks included, and nothing else', () => {
    expect(countLetters('abc 123 !?')).toBe(3);
    expect(countLetters('日本語です')).toBe(5);
    expect(countLetters('हिन्दी')).toBe(6);
    expect(countLetters('😂 @ #')).toBe(0);
    // an astral letter (a surrogate pair) counts once
    expect(countLetters('𝒜b')).toBe(2);
  });
});
